// Plugin files are trusted code (src/sandbox/plugin_file.hpp): like sshd's StrictModes, a plugin
// file or directory that someone other than root or hearthd's user can write is refused, and says
// why; a truncated .so is recognised before dlopen could SIGBUS.
#include "sandbox/plugin_file.hpp"

#include "app/daemon.hpp"
#include "core/config.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using hearth::sandbox::check_elf_file;
using hearth::sandbox::check_plugin_trust;

struct temp_dir {
    fs::path path = fs::temp_directory_path() / ("hearth-trust-" + std::to_string(::getpid()));
    temp_dir() {
        fs::create_directories(path / "plugins");
        ::chmod(path.c_str(), 0755);
        ::chmod((path / "plugins").c_str(), 0755);
        std::ofstream(path / "plugins" / "x.so") << "x";
        ::chmod((path / "plugins" / "x.so").c_str(), 0644);
    }
    ~temp_dir() { fs::remove_all(path); }
};

TEST(plugin_trust, owned_and_not_writable_by_others_is_accepted) {
    const temp_dir t;
    EXPECT_EQ(check_plugin_trust(t.path / "plugins" / "x.so", ::geteuid(), ::getegid()), "");
}

TEST(plugin_trust, world_writable_file_is_refused_with_the_reason) {
    const temp_dir t;
    ::chmod((t.path / "plugins" / "x.so").c_str(), 0666);
    const auto why = check_plugin_trust(t.path / "plugins" / "x.so", ::geteuid(), ::getegid());
    EXPECT_NE(
        why.find("plugin file " + (t.path / "plugins" / "x.so").string() + " is writable by everyone (mode 0666)"),
        std::string::npos)
        << why;
}

TEST(plugin_trust, world_writable_directory_is_refused) {
    const temp_dir t;
    ::chmod((t.path / "plugins").c_str(), 0777);
    const auto why = check_plugin_trust(t.path / "plugins" / "x.so", ::geteuid(), ::getegid());
    EXPECT_NE(why.find("plugin directory " + (t.path / "plugins").string() + " is writable by everyone"),
              std::string::npos)
        << why;
}

TEST(plugin_trust, group_writable_by_a_foreign_group_is_refused) {
    const temp_dir t;
    const auto file = t.path / "plugins" / "x.so";
    ::chmod(file.c_str(), 0664);
    if (::chown(file.c_str(), static_cast<uid_t>(-1), 4242) != 0) GTEST_SKIP() << "cannot chown (not root)";
    const auto why = check_plugin_trust(file, ::geteuid(), ::getegid());
    EXPECT_NE(why.find("is writable by group 4242"), std::string::npos) << why;
}

TEST(plugin_trust, foreign_owner_is_refused) {
    const temp_dir t;
    const auto file = t.path / "plugins" / "x.so";
    if (::chown(file.c_str(), 4242, static_cast<gid_t>(-1)) != 0) GTEST_SKIP() << "cannot chown (not root)";
    const auto why = check_plugin_trust(file, ::geteuid(), ::getegid());
    EXPECT_NE(why.find("is owned by uid 4242"), std::string::npos) << why;
}

TEST(plugin_trust, sticky_root_directory_like_tmp_is_accepted_as_an_ancestor) {
    struct stat st {};
    ASSERT_EQ(::stat("/tmp", &st), 0);
    if ((st.st_mode & S_ISVTX) == 0 || st.st_uid != 0) GTEST_SKIP() << "/tmp is not a sticky root directory here";
    const temp_dir t;  // under /tmp
    EXPECT_EQ(check_plugin_trust(t.path / "plugins" / "x.so", ::geteuid(), ::getegid()), "");
}

TEST(plugin_elf, non_elf_and_truncated_files_are_named) {
    const temp_dir t;
    EXPECT_EQ(check_elf_file((t.path / "plugins" / "x.so").string()),
              "truncated: 1 bytes is shorter than an ELF header");
    std::ofstream(t.path / "plugins" / "y.so") << std::string(200, 'z');
    EXPECT_EQ(check_elf_file((t.path / "plugins" / "y.so").string()), "not an ELF file");
}

// --check-config says it too (it used to call such a setup valid).
TEST(plugin_trust, check_config_refuses_a_world_writable_plugin_directory) {
    const temp_dir t;
    ::chmod((t.path / "plugins").c_str(), 0777);
    const std::string text = R"({"plugins": {"dir": ")" + (t.path / "plugins").string() +
                             R"("}, "drivers": [{"plugin": "x", "id": "x", "isolation": "inproc"}]})";
    const auto cfg = hearth::parse_config(text, "hearth.json", t.path);
    ASSERT_TRUE(cfg.has_value());
    const auto errors = hearth::check_runtime_files(*cfg);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].pointer, "/drivers/0/plugin");
    EXPECT_NE(errors[0].reason.find("refused: plugin directory " + (t.path / "plugins").string() +
                                    " is writable by everyone (mode 0777)"),
              std::string::npos)
        << errors[0].reason;
}

}  // namespace
