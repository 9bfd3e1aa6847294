// Supervision details of process_driver, driven directly (no gateway) with a recording
// driver_events: missing host binary, unloadable plugin, commands while restarting, protocol
// garbage and a silent worker (fake hosts written as shell scripts), and stop within budget.
#include "iso_harness.hpp"
#include <hearth/testing/temp_dir.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>

namespace {

using namespace iso;

struct recorded_done {
    std::uint64_t id;
    int status;
    std::string message;
};

class events_log final : public hearth::driver_events {
public:
    std::map<std::string, bool> online;
    std::vector<recorded_done> done;
    std::vector<std::string> failed;
    int registered = 0;

    void on_device_registered(const std::string&, hearth::device_descriptor) override { ++registered; }
    void on_device_removed(const std::string&, const std::string&) override {}
    void on_state(const std::string&, const std::string&, json) override {}
    void on_event(const std::string&, const std::string&, json) override {}
    void on_availability(const std::string&, const std::string& device, bool up) override { online[device] = up; }
    void on_command_done(const std::string&, std::uint64_t id, int status, std::string message) override {
        done.push_back({id, status, std::move(message)});
    }
    void on_ready(const std::string&) override {}
    void on_failed(const std::string&, const std::string& reason) override { failed.push_back(reason); }
};

class Supervision : public ::testing::Test {
protected:
    hearth::process_driver& make(const std::string& plugin, hearth::process_options o = fast_options()) {
        if (o.plugin_path.empty()) o.plugin_path = plugin_file(plugin);
        drv = std::make_unique<hearth::process_driver>(loop, driver(plugin, "bad"), o, ev);
        return *drv;
    }
    /// Runs the loop (and the health check the gateway would run) until `pred` or `timeout`.
    template <class Pred>
    bool run_until(Pred pred, steady::duration timeout = 5s) {
        const auto deadline = steady::now() + timeout;
        while (!pred()) {
            if (steady::now() >= deadline) return false;
            loop.run_for(5ms);
            if (drv) drv->check_health(steady::now());
        }
        return true;
    }
    /// An executable shell script standing in for hearth-driver-host.
    std::string fake_host(const std::string& body) {
        const std::filesystem::path dir = hearth::testing::make_temp_dir("iso-fake-host");
        dirs.push_back(dir.string());
        const std::string path = (dir / "host.sh").string();
        std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
        ::chmod(path.c_str(), 0755);
        return path;
    }
    void TearDown() override {
        drv.reset();
        for (const auto& d : dirs) std::filesystem::remove_all(d);
    }

    boost::asio::io_context loop;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{loop.get_executor()};
    events_log ev;
    std::unique_ptr<hearth::process_driver> drv;
    std::vector<std::string> dirs;
};

TEST_F(Supervision, MissingHostBinaryQuarantinesAtOnce) {
    auto o = fast_options();
    o.host_path = "/nonexistent/hearth-driver-host";
    auto& d = make("zoo_good", o);
    d.start();
    ASSERT_EQ(ev.failed.size(), 1u);
    EXPECT_TRUE(contains(ev.failed[0], "cannot run the driver host '/nonexistent/hearth-driver-host'"));
    EXPECT_FALSE(d.usable());
    d.send_command(7, "bad_switch", R"({"command":"turn_on","params":{}})");
    ASSERT_EQ(ev.done.size(), 1u);
    EXPECT_EQ(ev.done[0].status, HEARTH_ERR_UNSUPPORTED);
    EXPECT_TRUE(contains(ev.done[0].message, "quarantined"));
}

TEST_F(Supervision, UnloadablePluginIsQuarantinedWithoutRestarts) {
    auto o = fast_options();
    o.plugin_path = "/nonexistent/zoo_good.so";
    auto& d = make("zoo_good", o);
    d.start();
    ASSERT_TRUE(run_until([&] { return !ev.failed.empty(); }));
    EXPECT_TRUE(contains(ev.failed[0], "cannot load plugin"));
    EXPECT_EQ(to_string(d.status().state), "quarantined");
    loop.run_for(300ms);
    EXPECT_EQ(d.spawn_count(), 1);
}

TEST_F(Supervision, CommandsWhileRestartingFailImmediately) {
    auto o = fast_options();
    o.backoff_initial = 2s;
    auto& d = make("iso_segv", o);
    d.start();
    ASSERT_TRUE(run_until([&] { return ev.online["bad_switch"]; }));
    d.send_command(1, "bad_switch", R"({"command":"turn_on","params":{}})");
    ASSERT_TRUE(run_until([&] { return !ev.done.empty(); }));
    EXPECT_EQ(ev.done[0].id, 1u);
    EXPECT_EQ(ev.done[0].status, HEARTH_ERR_INTERNAL);
    EXPECT_TRUE(contains(ev.done[0].message, "went down before completing the command: worker killed by SIGSEGV"));
    EXPECT_FALSE(ev.online["bad_switch"]);
    EXPECT_EQ(to_string(d.status().state), "restarting");
    EXPECT_TRUE(d.usable());
    d.send_command(2, "bad_switch", R"({"command":"turn_off","params":{}})");
    ASSERT_EQ(ev.done.size(), 2u) << "not answered synchronously";
    EXPECT_EQ(ev.done[1].status, HEARTH_ERR_OFFLINE);
    EXPECT_TRUE(contains(ev.done[1].message, "driver 'bad' is restarting (killed by SIGSEGV)"));
    ASSERT_TRUE(run_until([&] { return ev.online["bad_switch"]; }, 4s)) << "no restart after the backoff";
    EXPECT_EQ(d.spawn_count(), 2);
}

TEST_F(Supervision, ProtocolGarbageKillsTheWorkerAndLoopsIntoQuarantine) {
    auto o = fast_options();
    o.host_path = fake_host("printf 'garbage!' >&3\nexec sleep 5");
    auto& d = make("zoo_good", o);
    d.start();
    ASSERT_TRUE(run_until([&] { return !ev.failed.empty(); }));
    EXPECT_TRUE(contains(ev.failed[0], "crash loop: 3 crashes"));
    EXPECT_TRUE(contains(ev.failed[0], "broke the protocol: frame of"));
    EXPECT_EQ(d.spawn_count(), 3);
}

TEST_F(Supervision, WorkerThatNeverStartsIsKilled) {
    auto o = fast_options();
    o.host_path = fake_host("exec sleep 5");
    o.heartbeat_timeout = 100ms;
    o.start_timeout = 300ms;  // the start gets the larger of the two
    o.backoff_initial = 5s;
    auto& d = make("zoo_good", o);
    d.start();
    const pid_t pid = d.worker_pid();
    ASSERT_TRUE(run_until([&] { return d.status().state == hearth::driver_state::restarting; }, 3s));
    EXPECT_TRUE(contains(d.status().last_error, "did not start within 300 ms")) << d.status().last_error;
    ASSERT_TRUE(run_until([&] { return d.worker_pid() == -1; }, 2s));
    EXPECT_TRUE(::kill(pid, 0) == -1 && errno == ESRCH) << "the hung worker was not killed and reaped";
}

TEST_F(Supervision, StopEndsAHungWorkerWithinItsBudget) {
    auto o = fast_options();
    o.call_timeout = 10s;  // the worker's own watchdog stays out of the way
    auto& d = make("iso_hang", o);
    d.start();
    ASSERT_TRUE(run_until([&] { return ev.online["bad_switch"]; }));
    const pid_t pid = d.worker_pid();
    d.send_command(1, "bad_switch", R"({"command":"turn_on","params":{}})");
    loop.run_for(200ms);  // the call is now blocked inside the plugin
    const auto t0 = steady::now();
    d.stop(300ms);
    const auto took = steady::now() - t0;
    EXPECT_LT(took, 600ms);
    EXPECT_TRUE(::kill(pid, 0) == -1 && errno == ESRCH) << "the worker survived stop";
    EXPECT_EQ(to_string(d.status().state), "stopped");
    EXPECT_FALSE(d.usable());
}

}  // namespace
