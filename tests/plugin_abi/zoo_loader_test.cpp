// Bad-plugin zoo, loader half: each broken file is refused by hearth::load_plugin with a precise
// one-line reason, and the compatible ones are accepted.
#include "zoo_harness.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace {

using zoo::plugin_file;

/// Loads `name` from the zoo expecting a refusal; returns the error text.
std::string refused(const std::string& name) {
    const auto r = hearth::load_plugin(plugin_file(name), name);
    EXPECT_FALSE(r.has_value()) << name << " was accepted";
    EXPECT_FALSE(r.error().empty());
    EXPECT_EQ(r.error().find('\n'), std::string::npos) << "error is not one line: " << r.error();
    EXPECT_NE(r.error().find(plugin_file(name).string()), std::string::npos)
        << "error does not name the file: " << r.error();
    return r.error();
}

TEST(zoo_loader, good_plugin_is_accepted) {
    const auto r = hearth::load_plugin(plugin_file("zoo_good"), "zoo_good");
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r.value()->name, "zoo_good");
    EXPECT_EQ(r.value()->version, "1.0.0");
    EXPECT_EQ(r.value()->api.struct_size, sizeof(hearth_plugin_v1_api));
}

TEST(zoo_loader, name_must_match_the_configured_plugin) {
    const auto r = hearth::load_plugin(plugin_file("zoo_good"), "other_name");
    EXPECT_FALSE(r.has_value());
    EXPECT_TRUE(zoo::contains(r.error(), "'zoo_good', expected 'other_name'"));
}

TEST(zoo_loader, no_entry_symbol_is_refused) {
    const auto error = refused("zoo_no_entry");
    EXPECT_TRUE(zoo::contains(error, "hearth_plugin_v1"));
    EXPECT_TRUE(zoo::contains(error, "no entry symbol"));
}

// ABI v1.1 appended `manifest`: a plugin built against the frozen v1.0 header (88-byte struct)
// still loads, keeps working, and has the empty manifest (the host never reads past its struct).
TEST(zoo_loader, plugin_built_against_v1_0_header_loads) {
    const auto r = hearth::load_plugin(plugin_file("zoo_v1_0"), "zoo_v1_0");
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r.value()->api.abi_minor, 0u);
    EXPECT_EQ(r.value()->api.manifest, nullptr);
    EXPECT_EQ(r.value()->manifest, "");
    EXPECT_NE(r.value()->api.destroy, nullptr);
    EXPECT_EQ(HEARTH_PLUGIN_V1_0_SIZE, 88u);  // frozen (docs/plugin-abi.md)
}

// ABI v1.2 appended `config_schema`: a plugin built against the frozen v1.1 header (96-byte
// struct) loads with its manifest and no config schema.
TEST(zoo_loader, plugin_built_against_v1_1_header_loads) {
    const auto r = hearth::load_plugin(plugin_file("zoo_v1_1"), "zoo_v1_1");
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r.value()->api.abi_minor, 1u);
    EXPECT_EQ(r.value()->manifest, R"({"network": []})");
    EXPECT_EQ(r.value()->api.config_schema, nullptr);
    EXPECT_EQ(r.value()->config_schema, "");
    EXPECT_EQ(HEARTH_PLUGIN_V1_1_SIZE, 96u);     // frozen (docs/plugin-abi.md)
    EXPECT_EQ(HEARTH_HOST_API_V1_0_SIZE, 104u);  // frozen; the host table has not grown since
    EXPECT_EQ(sizeof(hearth_host_api), HEARTH_HOST_API_V1_0_SIZE);
}

// A truncated .so gives one clear line, not a SIGBUS inside dlopen (the mapping would reach past
// the end of the file). Run in a child so a SIGBUS would show as a crash, not kill the test runner.
TEST(zoo_loader, truncated_plugin_is_refused_with_a_clear_error) {
    const auto dir = std::filesystem::temp_directory_path() / ("zoo-trunc-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "zoo_good.so";
    std::filesystem::copy_file(plugin_file("zoo_good"), file, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::resize_file(file, 20000);  // inside the text segment: SIGBUS in dlopen before
    EXPECT_EXIT(
        {
            const auto r = hearth::load_plugin(file, "zoo_good");
            std::fprintf(stderr, "%s\n", r.error().c_str());
            std::exit(!r.has_value() && r.error().find("truncated") != std::string::npos ? 0 : 1);
        },
        ::testing::ExitedWithCode(0), "truncated: segment [0-9]+ ends at byte [0-9]+ but the file has [0-9]+ bytes");
    std::filesystem::remove_all(dir);
}

TEST(zoo_loader, wrong_major_is_refused) {
    const auto error = refused("zoo_wrong_major");
    EXPECT_TRUE(zoo::contains(error, "ABI major 2"));
    EXPECT_TRUE(zoo::contains(error, "speaks 1"));
}

TEST(zoo_loader, short_struct_is_refused) {
    const auto error = refused("zoo_short_struct");
    EXPECT_TRUE(zoo::contains(error, "struct_size " + std::to_string(HEARTH_PLUGIN_V1_0_SIZE - sizeof(void*))));
    EXPECT_TRUE(zoo::contains(error, "smaller than the v1.0 size " + std::to_string(HEARTH_PLUGIN_V1_0_SIZE)));
}

TEST(zoo_loader, larger_struct_with_nonzero_tail_is_refused) {
    const auto error = refused("zoo_tail_nonzero");
    EXPECT_TRUE(zoo::contains(error, "newer ABI minor (5)"));
    EXPECT_TRUE(zoo::contains(error, "upgrade hearthd"));
}

TEST(zoo_loader, larger_struct_with_zero_tail_is_accepted) {
    const auto r = hearth::load_plugin(plugin_file("zoo_tail_zero"), "zoo_tail_zero");
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r.value()->name, "zoo_tail_zero");
    // The host keeps only the fields it knows and never reads past them.
    EXPECT_EQ(r.value()->api.struct_size, sizeof(hearth_plugin_v1_api));
    EXPECT_EQ(r.value()->api.abi_minor, 5u);
    EXPECT_NE(r.value()->api.handle_command, nullptr);
    EXPECT_EQ(r.value()->api.refresh, nullptr);  // optional entry left NULL is fine
}

TEST(zoo_loader, null_required_entry_is_refused_by_name) {
    const auto error = refused("zoo_null_entry");
    EXPECT_TRUE(zoo::contains(error, "required entry 'handle_command' is NULL"));
}

TEST(zoo_loader, entry_returning_null_is_refused) {
    const auto error = refused("zoo_entry_null");
    EXPECT_TRUE(zoo::contains(error, "the entry function returned NULL"));
}

TEST(zoo_loader, text_file_named_so_is_refused) {
    const auto dir = std::filesystem::path(::testing::TempDir()) / ("hearth_zoo_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "x.so";
    {
        std::ofstream out(file);
        out << "this is a text file, not a shared library\n";
    }
    const auto r = hearth::load_plugin(file, "x");
    std::filesystem::remove_all(dir);
    EXPECT_FALSE(r.has_value());
    EXPECT_TRUE(zoo::contains(r.error(), file.string() + ": cannot load: "));
    EXPECT_EQ(r.error().find('\n'), std::string::npos);
}

TEST(zoo_loader, missing_file_is_refused) {
    const auto r = hearth::load_plugin(plugin_file("zoo_does_not_exist"), "zoo_does_not_exist");
    EXPECT_FALSE(r.has_value());
    EXPECT_TRUE(zoo::contains(r.error(), "cannot load"));
    EXPECT_TRUE(zoo::contains(r.error(), "No such file"));
}

TEST(zoo_loader, runtime_plugins_load_cleanly) {
    // The runtime half relies on these passing negotiation: their faults are behavioural.
    for (const char* name : {"zoo_throw_start", "zoo_throw_command", "zoo_hang_command", "zoo_garbage"}) {
        const auto r = hearth::load_plugin(plugin_file(name), name);
        EXPECT_TRUE(r.has_value()) << name << ": " << r.error();
    }
}

}  // namespace

namespace {

// A corrupt struct_size must be refused, not trusted. Run in a child process so that a host that
// scans the "unknown tail" up to 0x7fffffff bytes (and faults at the guard page) fails this test
// instead of killing the whole suite.
// DISABLED: core bug — load_plugin (src/plugin/plugin_module.cpp) has no upper bound on
// struct_size; today the child dies with SIGSEGV in tail_is_zero. Enable with the proposed patch.
TEST(zoo_loader_death, absurd_struct_size_is_refused_not_scanned) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            const auto r = hearth::load_plugin(plugin_file("zoo_tail_absurd"), "zoo_tail_absurd");
            std::fprintf(stderr, "%s\n", r.error().c_str());
            std::exit(!r.has_value() && r.error().find("struct_size") != std::string::npos ? 0 : 1);
        },
        ::testing::ExitedWithCode(0), "struct_size");
}

}  // namespace
