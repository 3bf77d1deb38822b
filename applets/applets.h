/* The applets of the multicall binary. Each lives in applets/NAME.c and
 * is listed once, in redpak.c's applet table. */
#ifndef REDPAK_APPLETS_H
#define REDPAK_APPLETS_H

int redmanager_main(int argc, char **argv);
int redwrap_main(int argc, char **argv);
int redrpm_main(int argc, char **argv);
int redcgroup_main(int argc, char **argv);

#endif
