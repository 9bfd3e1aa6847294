// Ctrl-C in a terminal: the terminal sends SIGINT to the whole foreground process group, i.e. to
// hearthd AND its driver workers (tools/demo.sh runs hearthd in the foreground). The stop must be
// clean and quiet: exit status 0, no worker "killed by SIGINT", no "restarting its worker", no
// warning or error line at all. hearthd runs in a process group of its own here, like a shell job.
#include <hearth/testing/process.hpp>
#include <hearth/testing/temp_dir.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;

namespace {

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

TEST(ctrl_c, sigint_to_the_process_group_stops_workers_cleanly_and_quietly) {
    const fs::path dir = fs::temp_directory_path() / ("hearth-ctrl-c-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const nlohmann::json cfg = {
        {"mqtt", {{"url", "mqtt://127.0.0.1:9"}, {"client_id", "ctrl-c-test"}}},  // no broker: must not matter
        {"database", {{"path", (dir / "h.db").string()}}},
        {"plugins", {{"dir", HEARTH_PLUGIN_DIR}}},
        {"drivers",
         nlohmann::json::array({{{"plugin", "demo"}, {"id", "demo_a"}, {"config", {{"tick_ms", 100}}}},
                                {{"plugin", "demo"},
                                 {"id", "demo_b"},
                                 {"config", {{"tick_ms", 100}, {"devices", {"plug"}}, {"id_prefix", "b_"}}}}})}};
    std::ofstream(dir / "hearth.json") << cfg.dump(2);
    const fs::path log = dir / "hearthd.log";

    hearth::testing::spawn_options options;
    options.truncate_log = true;
    options.own_process_group = true;  // a job of its own: the group signal below reaches hearthd and its workers only
    const pid_t pid =
        hearth::testing::spawn_process({HEARTHD_PATH, "--config", (dir / "hearth.json").string()}, log, options);

    // Both workers started and registered their devices.
    const auto ready_deadline = steady::now() + std::chrono::seconds(30);
    std::string text;
    while (steady::now() < ready_deadline) {
        text = hearth::testing::read_file(log);
        if (count_of(text, "worker pid") >= 2 && count_of(text, "registered") >= 2) break;
        ::usleep(20'000);
    }
    ASSERT_GE(count_of(text, "worker pid"), 2u) << text;

    const auto stop_started = steady::now();
    ASSERT_EQ(::kill(-pid, SIGINT), 0);  // what a terminal's Ctrl-C does
    int status = 0;
    pid_t done = 0;
    while ((done = ::waitpid(pid, &status, WNOHANG)) == 0 && steady::now() - stop_started < std::chrono::seconds(10)) {
        ::usleep(10'000);
    }
    if (done == 0) {
        ::kill(-pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        FAIL() << "hearthd did not exit within 10 s of Ctrl-C\n" << hearth::testing::read_file(log);
    }
    text = hearth::testing::read_file(log);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status << "\n" << text;
    EXPECT_EQ(count_of(text, "killed by"), 0u) << text;
    EXPECT_EQ(count_of(text, "restarting"), 0u) << text;
    EXPECT_EQ(count_of(text, "[error]"), 0u) << text;
    EXPECT_EQ(count_of(text, "[warning]"), 0u) << text;
    EXPECT_EQ(count_of(text, "[critical]"), 0u) << text;
    // No worker outlives hearthd: the group is empty once hearthd is gone.
    const auto reap_deadline = steady::now() + std::chrono::seconds(5);
    while (::kill(-pid, 0) == 0 && steady::now() < reap_deadline) ::usleep(10'000);
    EXPECT_NE(::kill(-pid, 0), 0) << "a worker is still running after hearthd exited";
    fs::remove_all(dir);
}
