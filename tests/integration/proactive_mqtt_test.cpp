// The proactive home through MQTT (docs/proactive.md): a household whose stored activity holds a
// habit (whenever the porch switch goes on, someone turns the living light on within a minute)
// gets that habit offered by the `suggestions` request; `suggestion/accept` writes it into the
// scenes dir and reloads, and from then on the accepted automation runs like a hand-written one:
// switching the porch on through MQTT turns the living light on. A rejected suggestion is not
// offered again, wrong types and unknown ids are refused, and `care/status` answers.
#include "support/hearth_fixture.hpp"
#include <hearth/testing/process.hpp>

#include "store/store.hpp"

#include <chrono>
#include <optional>
#include <random>

using namespace std::chrono_literals;
using json = nlohmann::json;

namespace hearth::test {

namespace {

std::int64_t proactive_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// 20 days of a habit before `now`: the porch switch goes on at a random time of the day and the
/// living light is turned on through MQTT 15–50 s later; both go off again in the evening.
void plant_porch_habit(const std::filesystem::path& db_path, std::int64_t now) {
    std::filesystem::create_directories(db_path.parent_path());
    auto db = store::open(db_path, {}, now);
    std::mt19937 rng(7);
    std::uniform_int_distribution<std::int64_t> minute_of_day(8 * 60, 20 * 60);
    std::uniform_int_distribution<std::int64_t> delay_s(15, 50);
    for (int day = 20; day >= 1; --day) {
        const std::int64_t on = now - day * ms_per_day + minute_of_day(rng) * 60'000;
        const std::int64_t light = on + delay_s(rng) * 1000;
        db->append_activity({on, "porch_switch", activity_kind::state, "on", true, "device"});
        db->append_activity({light, "living_light", activity_kind::command, "turn_on", json::object(), "mqtt"});
        db->append_activity({light + 300, "living_light", activity_kind::state, "on", true, "device"});
        db->append_activity({on + 3 * ms_per_hour, "porch_switch", activity_kind::state, "on", false, "device"});
        db->append_activity({light + 3 * ms_per_hour, "living_light", activity_kind::state, "on", false, "device"});
    }
    db->flush();
    db->close();
}

/// The offered suggestion whose automation is triggered by the porch switch going on and acts on
/// the living light, if any.
std::optional<json> porch_suggestion(const json& answer) {
    if (!answer.contains("data")) return std::nullopt;
    for (const auto& s : answer["data"].value("suggestions", json::array())) {
        const json automation = s.value("scene_file", json::object()).value("automations", json::array()).at(0);
        const json trigger = automation.value("triggers", json::array()).at(0);
        if (s.value("kind", "") == "sequence" && trigger.value("device", "") == "porch_switch" &&
            trigger.value("to", json()) == true && automation.dump().find("living_light") != std::string::npos)
            return s;
    }
    return std::nullopt;
}

std::optional<received> latest_on_topic(const std::vector<received>& all, const std::string& topic, std::size_t from) {
    for (std::size_t i = all.size(); i > from; --i) {
        if (all[i - 1].topic == topic) return all[i - 1];
    }
    return std::nullopt;
}

class proactive_mqtt : public hearth_test {};

}  // namespace

TEST_F(proactive_mqtt, a_mined_habit_is_offered_accepted_and_then_runs) {
    plant_porch_habit(dir_ / "db" / "hearth.db", proactive_now_ms());
    start_broker();
    auto options = default_daemon_options();
    options.config_extra = {{"care", {{"enabled", true}, {"min_gap_min", 240}}}};
    start_daemon(options);
    auto probe = make_probe({"hearth/#"});
    ASSERT_TRUE(wait_online(*probe, 10s));

    const json offered = probe->request("suggestions", {{"refresh", true}}, 30s);
    ASSERT_EQ(offered.value("status", ""), "ok") << offered.dump();
    const auto porch = porch_suggestion(offered);
    ASSERT_TRUE(porch.has_value()) << "the porch habit was not offered: " << offered.dump();
    EXPECT_FALSE(porch->value("sentence", "").empty());
    EXPECT_TRUE(porch->contains("evidence"));
    const std::string id = porch->value("id", "");

    // Refusals: a wrong type and a missing id are named, an unknown id is refused; then a rejected
    // suggestion is no longer offered.
    const json wrong_type = probe->request("suggestion/accept", {{"id", 5}});
    EXPECT_EQ(wrong_type.value("status", ""), "error");
    EXPECT_NE(wrong_type.value("error", "").find("'id'"), std::string::npos) << wrong_type.dump();
    EXPECT_EQ(probe->request("suggestion/reject", json::object())["status"], "error");
    EXPECT_EQ(probe->request("suggestions", {{"refresh", "yes"}})["status"], "error");
    EXPECT_EQ(probe->request("suggestion/accept", {{"id", "r-nosuchthing"}})["status"], "error");
    for (const auto& s : offered["data"]["suggestions"]) {
        if (s.value("id", "") == id) continue;
        const std::string other = s.value("id", "");
        EXPECT_EQ(probe->request("suggestion/reject", {{"id", other}})["status"], "ok");
        const json again = probe->request("suggestions");
        EXPECT_EQ(again.dump().find("\"" + other + "\""), std::string::npos) << again.dump();
        break;
    }

    // Both off before accepting: the porch going on then is a change that triggers.
    EXPECT_EQ(probe->set("living_light", {{"on", false}})["status"], "ok");
    EXPECT_EQ(probe->set("porch_switch", {{"on", false}})["status"], "ok");
    const json accepted = probe->request("suggestion/accept", {{"id", id}}, 10s);
    ASSERT_EQ(accepted.value("status", ""), "ok") << accepted.dump();
    EXPECT_TRUE(std::filesystem::exists(dir_ / "scenes" / ("suggested-" + id + ".json")));
    EXPECT_EQ(probe->request("suggestion/accept", {{"id", id}})["status"], "error");  // once only

    const std::size_t before = probe->mark();
    EXPECT_EQ(probe->set("porch_switch", {{"on", true}})["status"], "ok");
    EXPECT_TRUE(probe->wait_for(
        [&](const std::vector<received>& all) {
            auto s = latest_on_topic(all, state_topic("living_light"), before);
            return s && s->as_json().value("on", false);
        },
        10s))
        << "the accepted automation did not turn the living light on";

    const json care = probe->request("care/status");
    ASSERT_EQ(care.value("status", ""), "ok") << care.dump();
    EXPECT_TRUE(care["data"].value("enabled", false)) << care.dump();
}

}  // namespace hearth::test
