// The real-protocol drivers end to end through MQTT, each against its simulator in a separate
// process: Yeelight (TCP JSON lines), the Roborock-style vacuum and a MIoT air conditioner (miIO
// UDP + AES), a Nuki lock (Bridge HTTP API): commands change the devices' states on the broker;
// a device whose simulator stops goes offline (after the driver's hysteresis) and comes back;
// lock commands to an offline lock are refused, not queued; auto-relock locks again by itself.
#include "support/hearth_fixture.hpp"
#include <hearth/testing/ports.hpp>
#include <hearth/testing/process.hpp>

#include <chrono>
#include <optional>
#include <regex>

#include <signal.h>

using namespace std::chrono_literals;
using json = nlohmann::json;

namespace hearth::test {

using namespace hearth::testing;  // the installed test kit: temp dirs, ports, processes
namespace {

std::optional<received> newest(const std::vector<received>& all, const std::string& topic, std::size_t from = 0) {
    for (std::size_t i = all.size(); i > from; --i) {
        if (all[i - 1].topic == topic) return all[i - 1];
    }
    return std::nullopt;
}

/// True once the newest state of `device` from `from` on satisfies `pred`.
bool wait_state(mqtt_probe& probe, const std::string& device, const std::function<bool(const json&)>& pred,
                std::chrono::milliseconds timeout, std::size_t from = 0) {
    return probe.wait_for(
        [&](const std::vector<received>& all) {
            auto m = newest(all, state_topic(device), from);
            return m && pred(m->as_json());
        },
        timeout);
}

bool wait_availability(mqtt_probe& probe, const std::string& device, const std::string& state,
                       std::chrono::milliseconds timeout, std::size_t from) {
    return probe.wait_for(
        [&](const std::vector<received>& all) {
            auto m = newest(all, availability_topic(device), from);
            return m && m->as_json().value("state", "") == state;
        },
        timeout);
}

class drivers_mqtt : public hearth_test {
protected:
    void TearDown() override {
        for (pid_t pid : sims_) stop_process(pid, SIGTERM, 3s);
        hearth_test::TearDown();
    }
    pid_t sim(const std::vector<std::string>& argv, const std::string& log) {
        const pid_t pid = spawn_process(argv, dir_ / log);
        sims_.push_back(pid);
        return pid;
    }
    std::vector<pid_t> sims_;
};

}  // namespace

TEST_F(drivers_mqtt, real_protocol_drivers_work_through_mqtt_and_recover) {
    start_broker();
    const std::uint16_t yee_port = free_tcp_port();
    sim({YEELIGHT_SIM_PATH, "--port", std::to_string(yee_port)}, "yeelight.log");
    const std::string vac_token = "00112233445566778899aabbccddeeff";
    const std::string ac_token = "ffeeddccbbaa99887766554433221100";
    const std::uint16_t vac_port = free_udp_port();
    sim({MIIO_SIM_PATH, "--port", std::to_string(vac_port), "--token", vac_token, "--kind", "vacuum"}, "vacuum.log");
    const std::uint16_t ac_port = free_udp_port();
    sim({MIIO_SIM_PATH, "--port", std::to_string(ac_port), "--token", ac_token, "--kind", "ac"}, "ac.log");
    const std::uint16_t nuki_port = free_tcp_port();
    const pid_t nuki =
        sim({NUKI_SIM_PATH, "--port", std::to_string(nuki_port), "--token", "nukitoken42", "--locks", "1"}, "nuki.log");

    auto options = default_daemon_options();
    options.demo_config = {{"tick_ms", 100}, {"devices", json::array({"plug"})}};
    options.extra_drivers = json::array({
        {{"plugin", "yeelight"},
         {"id", "yeelight"},
         {"config", {{"lights", json::array({{{"id", "desk_light"}, {"host", "127.0.0.1"}, {"port", yee_port}}})}}}},
        {{"plugin", "vacuum_miio"},
         {"id", "vacuum"},
         {"config",
          {{"host", "127.0.0.1"},
           {"port", vac_port},
           {"token", vac_token},
           {"id", "robot"},
           {"poll_interval_ms", 300}}}},
        {{"plugin", "miot"},
         {"id", "ac"},
         {"config",
          {{"host", "127.0.0.1"},
           {"port", ac_port},
           {"token", ac_token},
           {"id", "study_ac"},
           {"model", "example.aircondition.v1"},
           {"poll_interval_ms", 300}}}},
        {{"plugin", "nuki"},
         {"id", "nuki"},
         {"config",
          {{"host", "127.0.0.1"},
           {"port", nuki_port},
           {"token", "nukitoken42"},
           {"poll_interval_ms", 300},
           {"timeout_ms", 500}}}},
    });
    options.config_extra = {{"locks", {{"nuki_20000001", {{"pin", "none"}, {"auto_relock_s", 1}}}}}};
    auto& daemon = start_daemon(options);
    auto probe = make_probe({"hearth/#"});
    ASSERT_TRUE(wait_online(*probe, 15s));
    for (const char* id : {"desk_light", "robot", "study_ac", "nuki_20000001"}) {
        ASSERT_TRUE(wait_availability(*probe, id, "online", 20s, 0)) << id << " never came online";
    }
    // Every shipped driver runs unchanged inside the driver sandbox, all layers on (docs/security.md).
    const std::string log = daemon.log();
    for (const char* id : {"demo", "yeelight", "vacuum", "ac", "nuki"}) {
        EXPECT_TRUE(std::regex_search(log, std::regex(std::string("driver '") + id +
                                                      "': worker pid [0-9]+ sandboxed \\(auto\\): "
                                                      "namespaces\\(user,mount,ipc,uts[a-z,]*\\) "
                                                      "landlock\\(abi [0-9]+[a-z,]*\\) seccomp no_new_privs")))
            << id << " was not sandboxed";
    }
    if (::geteuid() == 0) {  // as root, each worker runs as its own uid (plugins.worker_uid_base + index)
        EXPECT_TRUE(
            std::regex_search(log, std::regex("driver 'yeelight': worker pid [0-9]+ started \\(.*, uid 1610612737\\)")))
            << "the yeelight worker did not drop to its own uid";
        EXPECT_TRUE(
            std::regex_search(log, std::regex("driver 'nuki': worker pid [0-9]+ started \\(.*, uid 1610612740\\)")));
    }

    // Yeelight: brightness through the bulb's protocol; the state comes back from the bulb.
    EXPECT_EQ(probe->set("desk_light", {{"on", true}, {"brightness", 37}}, 10s)["status"], "ok");
    EXPECT_TRUE(wait_state(
        *probe, "desk_light", [](const json& s) { return s.value("brightness", 0) == 37; }, 5s));

    // miIO vacuum: start -> running.
    EXPECT_EQ(probe->set("robot", {{"command", "start"}}, 10s)["status"], "ok");
    EXPECT_TRUE(wait_state(
        *probe, "robot", [](const json& s) { return s.value("operational_state", "") == "running"; }, 10s));

    // MIoT air conditioner: a target temperature on the 0.5 grid.
    EXPECT_EQ(probe->set("study_ac", {{"target_temp", 24.5}}, 10s)["status"], "ok");
    EXPECT_TRUE(wait_state(
        *probe, "study_ac", [](const json& s) { return s.value("target_temp", 0.0) == 24.5; }, 10s));

    // Nuki: unlock, then the core relocks it after 1 s by itself (audited, never optimistic).
    const std::size_t before_unlock = probe->mark();
    EXPECT_EQ(probe->set("nuki_20000001", {{"command", "unlock"}}, 10s)["status"], "ok");
    EXPECT_TRUE(wait_state(
        *probe, "nuki_20000001", [](const json& s) { return s.value("lock_state", "") == "locked"; }, 10s,
        before_unlock + 1))
        << "auto-relock did not lock again";

    // The bridge disappears: offline after the driver's hysteresis, lock commands refused at once.
    const std::size_t before_outage = probe->mark();
    stop_process(nuki, SIGTERM, 3s);
    sims_.erase(std::remove(sims_.begin(), sims_.end(), nuki), sims_.end());
    ASSERT_TRUE(wait_availability(*probe, "nuki_20000001", "offline", 15s, before_outage));
    auto refused = probe->set("nuki_20000001", {{"command", "lock"}}, 5s);
    EXPECT_EQ(refused["status"], "error");
    EXPECT_NE(refused.value("error", "").find("offline"), std::string::npos) << refused.dump();

    // It comes back on the same port: online again, commands work again.
    sim({NUKI_SIM_PATH, "--port", std::to_string(nuki_port), "--token", "nukitoken42", "--locks", "1"}, "nuki2.log");
    ASSERT_TRUE(wait_availability(*probe, "nuki_20000001", "online", 20s, before_outage));
    EXPECT_EQ(probe->set("nuki_20000001", {{"command", "lock"}}, 10s)["status"], "ok");
}

}  // namespace hearth::test
