// Driver reports are untrusted input (issue 23 item 6, issue 25): wrong-typed event fields, reserved
// device ids, per-driver device caps, report rates and the quarantine of an abusive driver.
#include "core/gateway.hpp"
#include "core/report_guard.hpp"

#include <hearth/plugin.h>

#include <gtest/gtest.h>

using json = nlohmann::json;

namespace {

class fake_link final : public hearth::driver_link {
public:
    explicit fake_link(std::string id) : id_(std::move(id)) {}
    const std::string& id() const override { return id_; }
    void start() override {}
    void send_command(std::uint64_t, const std::string&, std::string) override { ++sent; }
    void refresh(const std::string&) override {}
    void check_health(std::chrono::steady_clock::time_point) override {}
    void stop(std::chrono::milliseconds) override {}
    hearth::driver_status status() const override {
        hearth::driver_status s;
        s.id = id_;
        s.plugin = "fake";
        s.state = hearth::driver_state::running;
        return s;
    }
    bool usable() const override { return true; }
    int sent = 0;

private:
    std::string id_;
};

struct recorder final : hearth::gateway_observer {
    std::vector<json> events;
    std::vector<json> bridge_events;
    std::size_t added = 0;
    void on_device_added(const hearth::device_entry&) override { ++added; }
    void on_device_event(const hearth::device_entry&, const json& e) override { events.push_back(e); }
    void on_bridge_event(const json& e) override { bridge_events.push_back(e); }
};

hearth::device_descriptor sensor(const std::string& id) {
    auto r = hearth::parse_descriptor(json{{"id", id},
                                           {"type", "switch"},
                                           {"properties", {{"on", {{"type", "bool"}, {"writable", true}}}}},
                                           {"events", json::array({"alarm"})}});
    EXPECT_TRUE(r.has_value()) << id;
    auto d = r.value_or(hearth::device_descriptor{});
    d.driver = "drv";
    return d;
}

class driver_reports : public ::testing::Test {
protected:
    void start(hearth::report_limits limits = {}) {
        hearth::gateway::options o;
        o.reports = limits;
        gw = std::make_unique<hearth::gateway>(loop, clock, o);
        gw->add_observer(&rec);
        hearth::driver_config dc;
        dc.plugin = "fake";
        dc.id = "drv";
        gw->start_drivers({dc}, [this](const hearth::driver_config&, hearth::driver_events& ev, std::string&) {
            events = &ev;
            auto l = std::make_unique<fake_link>("drv");
            link = l.get();
            return l;
        });
    }
    boost::asio::io_context loop;
    hearth::manual_clock clock;
    recorder rec;
    std::unique_ptr<hearth::gateway> gw;
    hearth::driver_events* events = nullptr;
    fake_link* link = nullptr;
};

TEST_F(driver_reports, event_with_a_wrong_typed_ts_is_refused_and_counted) {
    start();
    events->on_device_registered("drv", sensor("probe"));
    for (const json& ts : {json("yesterday"), json(1.5), json::array(), json::object(), json(true)}) {
        events->on_event("drv", "probe", json{{"event_type", "alarm"}, {"ts", ts}});
    }
    EXPECT_TRUE(rec.events.empty()) << rec.events.front();
    EXPECT_EQ(gw->registry().find("probe")->rejected_reports, 5u);
    events->on_event("drv", "probe", json{{"event_type", "alarm"}, {"ts", 1700000000000}});
    ASSERT_EQ(rec.events.size(), 1u);
    events->on_event("drv", "probe", json{{"event_type", "alarm"}});
    ASSERT_EQ(rec.events.size(), 2u);
    EXPECT_TRUE(rec.events.back()["ts"].is_number_integer());
}

TEST_F(driver_reports, reserved_ids_are_refused) {
    EXPECT_TRUE(hearth::is_reserved_id("bridge"));
    EXPECT_FALSE(hearth::is_reserved_id("bridge_lamp"));
    auto parsed = hearth::parse_descriptor(
        json{{"id", "bridge"}, {"type", "sensor"}, {"properties", {{"value", {{"type", "number"}}}}}});
    ASSERT_FALSE(parsed.has_value());
    EXPECT_NE(parsed.error().front().reason.find("reserved"), std::string::npos);

    start();
    auto d = sensor("probe");
    d.id = "bridge";  // a host that skipped parse_descriptor: the gateway checks again
    events->on_device_registered("drv", d);
    EXPECT_EQ(gw->registry().find("bridge"), nullptr);
    EXPECT_EQ(rec.added, 0u);
}

TEST_F(driver_reports, descriptors_are_capped) {
    json props = json::object();
    for (std::size_t i = 0; i <= hearth::descriptor_limits::max_properties; ++i)
        props["p" + std::to_string(i)] = {{"type", "number"}};
    props["value"] = {{"type", "number"}};
    auto r = hearth::parse_descriptor(json{{"id", "wide"}, {"type", "sensor"}, {"properties", props}});
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().front().reason.find("more than"), std::string::npos) << r.error().front().reason;
    r = hearth::parse_descriptor(json{{"id", "named"},
                                      {"type", "sensor"},
                                      {"name", std::string(10000, 'x')},
                                      {"properties", {{"value", {{"type", "number"}}}}}});
    EXPECT_FALSE(r.has_value());
}

TEST_F(driver_reports, fifty_thousand_registrations_are_capped_and_quarantine_the_driver) {
    start();
    const auto base = sensor("d0");
    for (int i = 0; i < 50000; ++i) {
        auto d = base;
        d.id = "d" + std::to_string(i);
        d.raw["id"] = d.id;
        events->on_device_registered("drv", std::move(d));
    }
    EXPECT_EQ(gw->registry().size(), hearth::report_limits{}.max_devices_per_driver);
    bool quarantined = false;
    for (const auto& d : gw->drivers()) quarantined |= d.id == "drv" && d.state == hearth::driver_state::quarantined;
    EXPECT_TRUE(quarantined);
    bool announced = false;
    for (const auto& e : rec.bridge_events) announced |= e.value("type", "") == "plugin_failed";
    EXPECT_TRUE(announced);
    // Its devices are offline and commands are refused with the reason.
    std::optional<hearth::command_outcome> out;
    hearth::device_command c;
    c.name = "set";
    c.params = {{"on", true}};
    gw->execute("d1", c, {"mqtt", "t"}, [&](const hearth::command_outcome& o) { out = o; });
    ASSERT_TRUE(out);
    EXPECT_FALSE(out->ok);
    EXPECT_EQ(link->sent, 0);
}

TEST_F(driver_reports, report_rate_is_limited) {
    hearth::report_limits limits;
    limits.max_reports_per_s = 100;
    limits.quarantine_after = 1000000;
    start(limits);
    events->on_device_registered("drv", sensor("probe"));
    for (int i = 0; i < 1000; ++i) events->on_event("drv", "probe", json{{"event_type", "alarm"}});
    // One second's worth in a burst (the registration used none); the rest is dropped at once
    // (a few tokens come back while the loop runs on a loaded machine).
    EXPECT_GE(rec.events.size(), 99u);
    EXPECT_LT(rec.events.size(), 500u);
}

TEST(report_guard, token_bucket_with_injected_time) {
    hearth::report_limits l;
    l.max_reports_per_s = 10;
    l.quarantine_after = 5;
    hearth::report_guard g(l);
    const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    int admitted = 0;
    for (int i = 0; i < 20; ++i) admitted += g.admit_report("a", t0) ? 1 : 0;
    EXPECT_EQ(admitted, 10);
    EXPECT_TRUE(g.abusive("a"));
    EXPECT_FALSE(g.abusive("b"));
    EXPECT_TRUE(g.admit_report("a", t0 + std::chrono::milliseconds(150)));  // 1.5 tokens back
    EXPECT_FALSE(g.admit_device("a", l.max_devices_per_driver));
    EXPECT_TRUE(g.admit_device("a", l.max_devices_per_driver - 1));
}

}  // namespace
