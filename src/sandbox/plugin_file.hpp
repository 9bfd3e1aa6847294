// Plugin files are trusted code: checks made before a plugin is loaded, in the worker or in
// hearthd. Ownership and modes like sshd's StrictModes (a file or directory on the path that
// someone other than root or hearthd's user can write is refused), and an ELF sanity check that
// turns a truncated .so into a clear error instead of a SIGBUS inside dlopen.
#pragma once

#include <filesystem>
#include <string>

#include <sys/types.h>

namespace hearth::sandbox {

/// "" when `file` and every directory above it are owned by root or `trusted_uid` and writable by
/// no one else (group-writable is refused unless the group is root's or `trusted_gid`;
/// world-writable directories are accepted only with the sticky bit and root as owner, like /tmp).
/// Otherwise one line naming the offending path and why.
std::string check_plugin_trust(const std::filesystem::path& file, uid_t trusted_uid, gid_t trusted_gid);

/// "" when `path` is a complete ELF shared object for this machine: the headers are readable
/// and every loadable segment and the section table lie inside the file. Otherwise the reason
/// ("truncated: ...", "not an ELF file", ...).
std::string check_elf_file(const std::string& path);

}  // namespace hearth::sandbox
