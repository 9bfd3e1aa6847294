// Unit tests of the test kit's fake host (hearth::testing::fake_host), driven through its
// hearth_host_api table as a plugin would call it: what it records, the contract violations it
// reports (undeclared properties and events, state for unknown devices, calls after stop,
// host timers where none are allowed, plugged-in descriptor and value checks), the secret
// canary, the injected clock, and timers on the instance thread.
#include <hearth/testing/fake_host.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <string>

namespace {

using hearth::testing::fake_host;
using hearth::testing::host_options;
using hearth::testing::host_record;
using json = nlohmann::json;
using namespace std::chrono_literals;

hearth_str s(const std::string& text) { return {text.data(), text.size()}; }

const std::string k_plug = R"({"id":"p1","type":"plug","name":"P","properties":{"on":{"type":"bool","writable":true}},)"
                           R"("commands":{"turn_on":{"params":{}}},"events":["pressed"]})";

TEST(FakeHost, RecordsReportsAndWhatTheDriverSaid) {
    fake_host host;
    const hearth_host_api* api = host.api();
    ASSERT_EQ(api->register_device(host.ctx(), s(k_plug)), HEARTH_OK);
    ASSERT_EQ(api->report_state(host.ctx(), s("p1"), s(R"({"on":true})")), HEARTH_OK);
    api->report_availability(host.ctx(), s("p1"), 1);
    api->report_event(host.ctx(), s("p1"), s(R"({"event_type":"pressed"})"));
    api->command_result(host.ctx(), 7, HEARTH_OK, s("done"));
    api->log(host.ctx(), HEARTH_LOG_WARN, s("token abc123 in a log line"));
    const host_record r = host.snapshot();
    EXPECT_EQ(r.prop("p1", "on"), true);
    EXPECT_EQ(r.availability_of("p1"), 1);
    EXPECT_EQ(r.events_of("pressed").size(), 1U);
    EXPECT_EQ(r.results.at(7).message, "done");
    EXPECT_TRUE(r.logged("abc123", HEARTH_LOG_WARN));
    EXPECT_FALSE(r.logged("abc123", HEARTH_LOG_ERROR));
    EXPECT_TRUE(r.said("abc123"));
    EXPECT_FALSE(r.said("never said"));
    EXPECT_TRUE(r.violations.empty()) << r.violations.front();
}

TEST(FakeHost, ReportsContractViolations) {
    fake_host host(host_options{{}, {}, {}, false});
    const hearth_host_api* api = host.api();
    ASSERT_EQ(api->register_device(host.ctx(), s(k_plug)), HEARTH_OK);
    api->report_state(host.ctx(), s("p1"), s(R"({"brightness":5})"));
    api->report_state(host.ctx(), s("ghost"), s(R"({"on":true})"));
    api->report_event(host.ctx(), s("p1"), s(R"({"event_type":"exploded"})"));
    EXPECT_EQ(api->report_state(host.ctx(), s("p1"), s("[1]")), HEARTH_ERR_INVALID);
    api->set_timer(
        host.ctx(), 1000, [](void*) {}, nullptr);
    host.accepting(false);
    api->report_availability(host.ctx(), s("p1"), 0);
    api->log(host.ctx(), HEARTH_LOG_INFO, s("logs are fine after stop"));
    const auto v = host.snapshot().violations;
    ASSERT_EQ(v.size(), 6U) << ::testing::PrintToString(v);
    EXPECT_NE(v[0].find("undeclared property p1/brightness"), std::string::npos) << v[0];
    EXPECT_NE(v[1].find("unregistered device ghost"), std::string::npos) << v[1];
    EXPECT_NE(v[2].find("undeclared event"), std::string::npos) << v[2];
    EXPECT_NE(v[3].find("not a JSON object"), std::string::npos) << v[3];
    EXPECT_EQ(v[4], "unexpected set_timer");
    EXPECT_NE(v[5].find("report_availability after stop"), std::string::npos) << v[5];
}

TEST(FakeHost, RunsPluggedInDescriptorAndValueChecks) {
    host_options o;
    o.check_descriptor = [](const json& d) {
        return d.value("name", "").empty() ? std::vector<std::string>{"/name: missing"} : std::vector<std::string>{};
    };
    o.check_value = [](const json&, const std::string& property, const json& v) -> std::optional<std::string> {
        if (property == "on" && !v.is_boolean()) return "not a bool";
        return std::nullopt;
    };
    fake_host host(o);
    const hearth_host_api* api = host.api();
    EXPECT_EQ(api->register_device(host.ctx(), s(R"({"id":"x","type":"plug","properties":{}})")), HEARTH_ERR_INVALID);
    ASSERT_EQ(api->register_device(host.ctx(), s(k_plug)), HEARTH_OK);
    api->report_state(host.ctx(), s("p1"), s(R"({"on":"yes"})"));
    const host_record r = host.snapshot();
    EXPECT_EQ(r.descriptors.count("x"), 0U);
    ASSERT_EQ(r.violations.size(), 2U) << ::testing::PrintToString(r.violations);
    EXPECT_EQ(r.violations[0], "descriptor: /name: missing");
    EXPECT_EQ(r.violations[1], "on: not a bool");
}

TEST(FakeHost, AnswersNowFromTheInjectedClockAndFiresTimersOnItsThread) {
    std::atomic<std::uint64_t> now{1'000};
    fake_host host([&] { return now.load(); });
    EXPECT_EQ(host.api()->now_ms(host.ctx()), 1'000U);
    now = 5'000;
    EXPECT_EQ(host.api()->now_ms(host.ctx()), 5'000U);

    static std::atomic<int> fired{0};
    fired = 0;
    host.api()->set_timer(
        host.ctx(), 10, [](void*) { ++fired; }, nullptr);
    const std::uint64_t cancelled = host.api()->set_timer(
        host.ctx(), 10, [](void*) { fired += 100; }, nullptr);
    host.api()->cancel_timer(host.ctx(), cancelled);
    host.api()->set_timer(
        host.ctx(), 30,
        [](void* h) { static_cast<fake_host*>(h)->api()->report_ready(static_cast<fake_host*>(h)->ctx()); }, &host);
    ASSERT_TRUE(host.wait_for([](const host_record& r) { return r.ready == 1; }, 5s));
    EXPECT_EQ(fired.load(), 1);
    EXPECT_EQ(host.snapshot().timers_set, 3);
}

}  // namespace
