/* The package commands of redmanager (install, update, remove, list,
 * repo), each called with argv[0] the command name. */
#ifndef REDPAK_REDMANAGER_PACKAGES_H
#define REDPAK_REDMANAGER_PACKAGES_H

int redmanager_install(int argc, char **argv);
int redmanager_update(int argc, char **argv);
int redmanager_remove(int argc, char **argv);
int redmanager_list(int argc, char **argv);
int redmanager_repo(int argc, char **argv);

#endif
