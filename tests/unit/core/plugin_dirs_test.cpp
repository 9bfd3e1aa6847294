// The plugin search list: drivers installed with the SDK's default prefix (/usr/local) and the
// package's drivers are both found by a default config; an explicit plugins.dir is the only place.
#include "core/config.hpp"
#include "core/plugin_dirs.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

struct temp_tree {
    fs::path root = fs::temp_directory_path() / ("hearth-plugin-dirs-" + std::to_string(::getpid()));
    temp_tree() { fs::create_directories(root); }
    ~temp_tree() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
};

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST(plugin_dirs, default_list_covers_the_sdk_install_dir_and_the_package_dir) {
    const auto dirs = hearth::default_plugin_dirs("/opt/nowhere/bin/hearthd", "/usr/local/lib/hearth/plugins");
    EXPECT_TRUE(has(dirs, "/usr/local/lib/hearth/plugins"));
    EXPECT_TRUE(has(dirs, "/usr/lib/hearth/plugins"));
    EXPECT_EQ(dirs.size(), 2u) << "no duplicates, no missing own-prefix directory";
}

TEST(plugin_dirs, own_prefix_comes_first_when_it_exists) {
    temp_tree t;
    fs::create_directories(t.root / "bin");
    fs::create_directories(t.root / "lib" / "hearth" / "plugins");
    const auto dirs = hearth::default_plugin_dirs(t.root / "bin" / "hearthd", "/usr/local/lib/hearth/plugins");
    ASSERT_EQ(dirs.size(), 3u);
    EXPECT_EQ(dirs[0], (t.root / "lib" / "hearth" / "plugins").string());
    EXPECT_EQ(dirs[1], "/usr/local/lib/hearth/plugins");
    EXPECT_EQ(dirs[2], "/usr/lib/hearth/plugins");
}

TEST(plugin_dirs, find_plugin_takes_the_first_directory_that_has_it) {
    temp_tree t;
    const fs::path a = t.root / "a", b = t.root / "b";
    fs::create_directories(a);
    fs::create_directories(b);
    std::ofstream(b / "oot.so") << "x";
    EXPECT_EQ(hearth::find_plugin({a.string(), b.string()}, "oot"), b / "oot.so");
    std::ofstream(a / "oot.so") << "x";
    EXPECT_EQ(hearth::find_plugin({a.string(), b.string()}, "oot"), a / "oot.so");
    EXPECT_EQ(hearth::find_plugin({a.string(), b.string()}, "missing"), a / "missing.so");
}

TEST(plugin_dirs, config_without_plugins_dir_searches_the_default_list) {
    auto r = hearth::parse_config(R"({"drivers": []})", "hearth.json", "/etc/hearth");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->plugins.dir, "");
    const auto dirs = hearth::plugin_search_dirs(r->plugins.dir);
    EXPECT_TRUE(has(dirs, "/usr/local/lib/hearth/plugins"));
    EXPECT_TRUE(has(dirs, "/usr/lib/hearth/plugins"));
    EXPECT_EQ(r->summary()["plugins"]["search_dirs"], dirs);
}

TEST(plugin_dirs, an_explicit_plugins_dir_is_the_only_place) {
    auto r = hearth::parse_config(R"({"plugins": {"dir": "drivers"}})", "hearth.json", "/etc/hearth");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->plugins.dir, "/etc/hearth/drivers");
    EXPECT_EQ(hearth::plugin_search_dirs(r->plugins.dir), std::vector<std::string>{"/etc/hearth/drivers"});
}
