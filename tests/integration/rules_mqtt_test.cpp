// Scenes and automations through MQTT: the rules request, scene activation, an automation
// triggered by a state change that commands another device and notifies, its trace, an atomic
// reload that refuses a bad file and keeps the running set, and enable/disable.
#include "support/hearth_fixture.hpp"
#include <hearth/testing/process.hpp>

#include <chrono>
#include <optional>
#include <functional>
#include <thread>

using namespace std::chrono_literals;
using json = nlohmann::json;

namespace hearth::test {

using namespace hearth::testing;  // the installed test kit: temp dirs, ports, processes
namespace {

const char* scene_file = R"({
  "scenes": [
    {"id": "movie", "name": "Movie", "targets": [{"device": "living_light", "set": {"on": true, "brightness": 20}}]}
  ],
  "automations": [
    {"id": "porch_follow", "name": "Porch on when the living light goes off", "mode": "single",
     "triggers": [{"type": "state", "device": "living_light", "property": "on", "to": false}],
     "actions": [{"device": "porch_switch", "command": "turn_on"}, {"notify": "living light is off"}]}
  ]
})";

class rules_mqtt : public hearth_test {};

/// Repeats a request until `done(answer)` holds or the deadline passes (never inside wait_for:
/// the probe's predicate runs under its lock).
json request_until(mqtt_probe& probe, const std::string& name, const json& args,
                   const std::function<bool(const json&)>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    json answer;
    while (std::chrono::steady_clock::now() < deadline) {
        answer = probe.request(name, args, 2s);
        if (done(answer)) return answer;
        std::this_thread::sleep_for(100ms);
    }
    return answer;
}

/// The newest message on `topic` in `all` from index `from` (for wait_for predicates, which run
/// under the probe's lock and so must not call back into the probe).
std::optional<received> newest(const std::vector<received>& all, const std::string& topic, std::size_t from = 0) {
    for (std::size_t i = all.size(); i > from; --i) {
        if (all[i - 1].topic == topic) return all[i - 1];
    }
    return std::nullopt;
}

bool has_rule(const json& answer, const std::string& id) {
    if (!answer.contains("data")) return false;
    for (const auto& r : answer["data"]["rules"]) {
        if (r.value("id", "") == id) return true;
    }
    return false;
}

}  // namespace

TEST_F(rules_mqtt, scenes_automations_traces_and_atomic_reload) {
    start_broker();
    std::filesystem::create_directories(dir_ / "scenes");
    write_file(dir_ / "scenes" / "household.json", scene_file);
    start_daemon();
    auto probe = make_probe({"hearth/#"});
    ASSERT_TRUE(wait_online(*probe, 10s));

    // Rules run once the drivers are ready.
    const json rules = request_until(
        *probe, "rules", json::object(),
        [](const json& a) { return a.contains("data") && a["data"].value("running", false); }, 15s);
    ASSERT_TRUE(rules.contains("data") && rules["data"].value("running", false)) << rules.dump();
    EXPECT_TRUE(has_rule(rules, "movie"));
    EXPECT_TRUE(has_rule(rules, "porch_follow"));

    auto activated = probe->request("scene/activate", {{"scene", "movie"}}, 10s);
    EXPECT_EQ(activated["status"], "ok") << activated.dump();
    EXPECT_TRUE(probe->wait_for(
        [&](const std::vector<received>& all) {
            auto s = newest(all, state_topic("living_light"));
            return s && s->as_json().value("brightness", -1) == 20 && s->as_json().value("on", false);
        },
        5s));

    const std::size_t before = probe->mark();
    EXPECT_EQ(probe->set("living_light", {{"on", false}})["status"], "ok");
    EXPECT_TRUE(probe->wait_for(
        [&](const std::vector<received>& all) {
            auto s = newest(all, state_topic("porch_switch"), before);
            return s && s->as_json().value("on", false);
        },
        10s))
        << "the automation did not turn the porch switch on";
    auto notify = probe->wait_message(
        [](const received& m) { return m.topic == "hearth/bridge/event" && m.as_json().value("type", "") == "notify"; },
        10s, before);
    ASSERT_TRUE(notify.has_value());
    EXPECT_NE(notify->payload.find("living light is off"), std::string::npos);

    const json traces = request_until(
        *probe, "trace", {{"rule", "porch_follow"}, {"limit", 5}},
        [](const json& a) { return a.contains("data") && !a["data"].empty(); }, 10s);
    ASSERT_TRUE(traces.contains("data") && !traces["data"].empty()) << traces.dump();

    // A bad file is refused whole; the running set stays.
    write_file(
        dir_ / "scenes" / "bad.json",
        R"({"automations": [{"id": "x", "triggers": [{"type": "state", "device": "no_such_device", "property": "on"}], "actions": []}]})");
    auto reload = probe->request("config/reload");
    EXPECT_EQ(reload["status"], "error") << reload.dump();
    EXPECT_NE(reload.dump().find("bad.json"), std::string::npos) << reload.dump();
    EXPECT_TRUE(has_rule(probe->request("rules"), "porch_follow"));
    std::filesystem::remove(dir_ / "scenes" / "bad.json");
    EXPECT_EQ(probe->request("config/reload")["status"], "ok");

    EXPECT_EQ(probe->request("rule/disable", {{"rule", "porch_follow"}})["status"], "ok");
    auto is_disabled = [](const json& answer) {
        if (!answer.contains("data")) return false;
        for (const auto& r : answer["data"]["rules"]) {
            if (r.value("id", "") == "porch_follow") return !r.value("enabled", true);
        }
        return false;
    };
    const json after = request_until(*probe, "rules", json::object(), is_disabled, 5s);
    const bool disabled = is_disabled(after);
    EXPECT_TRUE(disabled) << after.dump();
}

// Issue 23 items 19/20: a run that acts is traceable while it is still running (here: waiting
// on a 10-minute delay after a user's own command triggered it), and a scene activation is
// recorded as the scene's last activation with a trace of its own.
TEST_F(rules_mqtt, running_runs_and_scene_activations_are_traced) {
    start_broker();
    std::filesystem::create_directories(dir_ / "scenes");
    write_file(dir_ / "scenes" / "arrival.json", R"({
  "scenes": [
    {"id": "movie", "name": "Movie", "targets": [{"device": "living_light", "set": {"on": true, "brightness": 20}}]}
  ],
  "automations": [
    {"id": "porch_then_off", "name": "Porch on for ten minutes", "mode": "single",
     "triggers": [{"type": "state", "device": "living_light", "property": "on", "to": false}],
     "actions": [{"device": "porch_switch", "command": "turn_on"}, {"delay": "10m"},
                 {"device": "porch_switch", "command": "turn_off"}]}
  ]
})");
    start_daemon();
    auto probe = make_probe({"hearth/#"});
    ASSERT_TRUE(wait_online(*probe, 10s));
    const json rules = request_until(
        *probe, "rules", json::object(),
        [](const json& a) { return a.contains("data") && a["data"].value("running", false); }, 15s);
    ASSERT_TRUE(rules.contains("data") && rules["data"].value("running", false)) << rules.dump();
    for (const auto& r : rules["data"]["rules"]) {
        if (r.value("id", "") == "movie") {
            EXPECT_TRUE(r["last_run"].is_null()) << r.dump();
        }
    }

    // Scene activation: last activated / last result and a trace with one entry per command.
    ASSERT_EQ(probe->request("scene/activate", {{"scene", "movie"}}, 10s)["status"], "ok");
    const json after = probe->request("rules");
    bool seen = false;
    for (const auto& r : after["data"]["rules"]) {
        if (r.value("id", "") != "movie") continue;
        seen = true;
        EXPECT_TRUE(r["last_run"].is_number_integer()) << r.dump();
        EXPECT_EQ(r["last_result"], "ok") << r.dump();
    }
    EXPECT_TRUE(seen) << after.dump();
    const json scene_trace = probe->request("trace", {{"rule", "movie"}});
    ASSERT_TRUE(scene_trace.contains("data") && scene_trace["data"].size() == 1u) << scene_trace.dump();
    EXPECT_EQ(scene_trace["data"][0]["trigger"]["type"], "activate");
    EXPECT_EQ(scene_trace["data"][0]["result"], "ok");
    EXPECT_EQ(scene_trace["data"][0]["actions"][0]["device"], "living_light");
    EXPECT_EQ(scene_trace["data"][0]["actions"][0]["result"], "ok");

    // A user's own command triggers the automation; it acts, then waits 10 minutes.
    const std::size_t before = probe->mark();
    EXPECT_EQ(probe->set("living_light", {{"on", false}})["status"], "ok");
    EXPECT_TRUE(probe->wait_for(
        [&](const std::vector<received>& all) {
            auto s = newest(all, state_topic("porch_switch"), before);
            return s && s->as_json().value("on", false);
        },
        10s))
        << "the automation did not turn the porch switch on";
    const json traces = request_until(
        *probe, "trace", {{"rule", "porch_then_off"}},
        [](const json& a) { return a.contains("data") && !a["data"].empty() && a["data"][0]["actions"].size() == 2u; },
        10s);
    ASSERT_TRUE(traces.contains("data") && !traces["data"].empty()) << traces.dump();
    const json& run = traces["data"][0];
    EXPECT_EQ(run["result"], "running") << run.dump();
    EXPECT_EQ(run["trigger"]["device"], "living_light");
    EXPECT_EQ(run["actions"][0]["result"], "ok");
    EXPECT_EQ(run["actions"][1]["type"], "delay");
    EXPECT_TRUE(run["run"].is_string());
}

// `--log-level mqtt=debug` (docs/operations.md): the mqtt logger logs at debug, every other one
// stays at info, so an automation whose condition fails (a debug line of the rules logger) is
// traced but not logged.
TEST_F(rules_mqtt, log_level_for_one_subsystem_leaves_the_others_at_info) {
    start_broker();
    std::filesystem::create_directories(dir_ / "scenes");
    write_file(dir_ / "scenes" / "never.json", R"({"automations": [
      {"id": "never", "triggers": [{"type": "state", "device": "living_light", "property": "on"}],
       "conditions": [{"type": "not", "conditions": [{"type": "weekday",
                       "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}]}],
       "actions": [{"notify": "unreachable"}]}]})");
    auto options = default_daemon_options();
    options.log_level = "mqtt=debug";
    auto& daemon = start_daemon(options);
    auto probe = make_probe({"hearth/#"});
    ASSERT_TRUE(wait_online(*probe, 10s));
    const json rules = request_until(
        *probe, "rules", json::object(),
        [](const json& a) { return a.contains("data") && a["data"].value("running", false); }, 15s);
    ASSERT_TRUE(rules.contains("data") && rules["data"].value("running", false)) << rules.dump();

    EXPECT_EQ(probe->set("living_light", {{"on", true}})["status"], "ok");
    EXPECT_EQ(probe->set("living_light", {{"on", false}})["status"], "ok");
    const json traces = request_until(
        *probe, "trace", {{"rule", "never"}}, [](const json& a) { return a.contains("data") && !a["data"].empty(); },
        10s);
    ASSERT_TRUE(traces.contains("data") && !traces["data"].empty()) << traces.dump();
    EXPECT_EQ(traces["data"][0]["result"], "condition_failed") << traces.dump();

    const std::string log = daemon.log();
    EXPECT_NE(log.find("[mqtt] debug "), std::string::npos) << log;
    EXPECT_EQ(log.find("[rules] debug "), std::string::npos) << log;
    EXPECT_EQ(log.find("[core] debug "), std::string::npos) << log;  // no "command ... from" lines
    EXPECT_NE(log.find("[rules] info "), std::string::npos) << log;
}

}  // namespace hearth::test
