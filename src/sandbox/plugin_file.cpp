// Plugin file trust and ELF sanity checks (see plugin_file.hpp).
#include "sandbox/plugin_file.hpp"
#include "sandbox/errno_text.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace hearth::sandbox {
namespace {

std::string mode_text(mode_t m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
    return buf;
}

std::string check_one(const std::filesystem::path& p, uid_t uid, gid_t gid, bool is_file) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return p.string() + ": " + errno_text(errno);
    if (S_ISLNK(st.st_mode)) {
        if (::stat(p.c_str(), &st) != 0) return p.string() + ": " + errno_text(errno);
    }
    const std::string what = is_file ? "plugin file " : "plugin directory ";
    if (st.st_uid != 0 && st.st_uid != uid) {
        return what + p.string() + " is owned by uid " + std::to_string(st.st_uid) +
               ", not by root or hearthd's user (uid " + std::to_string(uid) + ")";
    }
    if ((st.st_mode & S_IWOTH) != 0) {
        if (!is_file && (st.st_mode & S_ISVTX) != 0 && st.st_uid == 0) return "";  // like /tmp
        return what + p.string() + " is writable by everyone (mode " + mode_text(st.st_mode) +
               "): anyone could replace the driver code hearthd runs";
    }
    if ((st.st_mode & S_IWGRP) != 0 && st.st_gid != 0 && st.st_gid != gid) {
        return what + p.string() + " is writable by group " + std::to_string(st.st_gid) + " (mode " +
               mode_text(st.st_mode) + "): only root or hearthd's user may be able to change driver code";
    }
    return "";
}

}  // namespace

std::string check_plugin_trust(const std::filesystem::path& file, uid_t trusted_uid, gid_t trusted_gid) {
    std::error_code ec;
    std::filesystem::path p = std::filesystem::absolute(file, ec);
    if (ec) return file.string() + ": " + ec.message();
    p = p.lexically_normal();
    if (auto e = check_one(p, trusted_uid, trusted_gid, true); !e.empty()) return e;
    // Every directory above, with symlinks resolved the way the loader will follow them.
    std::filesystem::path dir = std::filesystem::weakly_canonical(p, ec).parent_path();
    if (ec) dir = p.parent_path();
    for (;;) {
        if (auto e = check_one(dir, trusted_uid, trusted_gid, false); !e.empty()) return e;
        if (dir == dir.root_path() || dir.empty()) break;
        dir = dir.parent_path();
    }
    return "";
}

std::string check_elf_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return "cannot open: " + errno_text(errno);
    struct stat st {};
    std::string error;
    Elf64_Ehdr eh{};
    auto read_at = [&](void* buf, std::size_t n, off_t off) {
        return ::pread(fd, buf, n, off) == static_cast<ssize_t>(n);
    };
    const auto size = [&] { return static_cast<std::uint64_t>(st.st_size); };
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        error = "not a regular file";
    } else if (size() < sizeof eh || !read_at(&eh, sizeof eh, 0)) {
        error = "truncated: " + std::to_string(size()) + " bytes is shorter than an ELF header";
    } else if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
        error = "not an ELF file";
    } else if (eh.e_ident[EI_CLASS] != ELFCLASS64) {
        error = "not a 64-bit ELF object";
    } else if (eh.e_type != ET_DYN) {
        error = "not a shared object (ELF type " + std::to_string(eh.e_type) + ")";
    } else if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 256 ||
               eh.e_phoff + std::uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr) > size()) {
        error = "truncated or corrupt: the program headers lie outside the " + std::to_string(size()) + "-byte file";
    } else {
        std::vector<Elf64_Phdr> ph(eh.e_phnum);
        if (!read_at(ph.data(), ph.size() * sizeof(Elf64_Phdr), static_cast<off_t>(eh.e_phoff))) {
            error = "cannot read the program headers";
        }
        for (std::size_t i = 0; error.empty() && i < ph.size(); ++i) {
            if (ph[i].p_type != PT_LOAD && ph[i].p_type != PT_DYNAMIC) continue;
            if (ph[i].p_offset > size() || ph[i].p_filesz > size() - ph[i].p_offset) {
                error = "truncated: segment " + std::to_string(i) + " ends at byte " +
                        std::to_string(ph[i].p_offset + ph[i].p_filesz) + " but the file has " +
                        std::to_string(size()) + " bytes";
            }
        }
        if (error.empty() && eh.e_shnum > 0 &&
            eh.e_shoff + std::uint64_t{eh.e_shnum} * std::uint64_t{eh.e_shentsize} > size()) {
            error = "truncated: the section headers end past the " + std::to_string(size()) + "-byte file";
        }
    }
    ::close(fd);
    return error;
}

}  // namespace hearth::sandbox
