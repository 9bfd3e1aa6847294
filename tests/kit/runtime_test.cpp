// kit::runtime through the real C ABI (plugin_api) and the test fake host: every entry and every
// completion handler of a toolkit driver runs on its one io thread; exceptions become statuses;
// stop() ends the io thread; the static manifest and config_schema reach the plugin struct.
#include <hearth/kit/driver.hpp>

#include <hearth/testing/fake_host.hpp>

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <set>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;

std::set<std::thread::id>& threads_seen() {
    static std::set<std::thread::id> seen;
    return seen;
}

class probe_driver final : public hearth::kit::driver {
public:
    static constexpr const char* manifest = R"({"network": []})";
    static constexpr const char* config_schema = R"({"type": "object"})";

    probe_driver(hearth::kit::context& ctx, const hearth::json& config)
        : driver(ctx), timer_(ctx.io), device_(config.value("device", std::string("probe"))) {
        if (device_ == "refuse") throw std::invalid_argument("device must not be 'refuse'");
        threads_seen().insert(std::this_thread::get_id());
    }
    void start() override {
        threads_seen().insert(std::this_thread::get_id());
        host().register_device({{"id", device_},
                                {"name", "Probe"},
                                {"type", "switch"},
                                {"properties", {{"on", {{"type", "bool"}, {"writable", true}}}}}});
        host().report_availability(device_, true);
        host().report_ready();
    }
    hearth::status handle_command(const hearth::command& cmd) override {
        threads_seen().insert(std::this_thread::get_id());
        if (cmd.name == "boom") throw hearth::command_error(hearth::status::device_error, "refused by the device");
        // Complete later, from a timer on the io thread.
        timer_.expires_after(1ms);
        timer_.async_wait([this, id = cmd.id, on = cmd.params.value("on", false)](boost::system::error_code ec) {
            if (ec) return;
            threads_seen().insert(std::this_thread::get_id());
            host().report_state(device_, {{"on", on}});
            host().command_result(id, hearth::status::ok);
        });
        return hearth::status::pending;
    }
    void stop() override { timer_.cancel(); }

private:
    boost::asio::steady_timer timer_;
    std::string device_;
};

const hearth_plugin_v1_api* probe_api() {
    return hearth::plugin_api<hearth::kit::runtime<probe_driver>>("probe", "1.0.0", "probe");
}

TEST(kit_runtime, static_manifest_and_config_schema_reach_the_plugin_struct) {
    const auto* api = probe_api();
    EXPECT_EQ(api->abi_minor, static_cast<std::uint32_t>(HEARTH_ABI_MINOR));
    ASSERT_NE(api->manifest, nullptr);
    EXPECT_STREQ(api->manifest, R"({"network": []})");
    ASSERT_NE(api->config_schema, nullptr);
    EXPECT_STREQ(api->config_schema, R"({"type": "object"})");
}

TEST(kit_runtime, every_entry_and_handler_runs_on_one_io_thread) {
    threads_seen().clear();
    hearth::testing::fake_host host;
    const auto* api = probe_api();
    char error[256] = {};
    hearth_driver* d = nullptr;
    const std::string config = R"({"device": "probe1"})";
    host.call([&] {
        d = api->create(host.api(), host.ctx(), {"i", 1}, {config.data(), config.size()}, error, sizeof error);
    });
    ASSERT_NE(d, nullptr) << error;
    int rc = 0;
    host.call([&] { rc = api->start(d, error, sizeof error); });
    ASSERT_EQ(rc, HEARTH_OK) << error;
    const std::string on = R"({"command": "set", "params": {"on": true}})";
    host.call([&] { rc = api->handle_command(d, 7, {"probe1", 6}, {on.data(), on.size()}, error, sizeof error); });
    EXPECT_EQ(rc, HEARTH_PENDING);
    ASSERT_TRUE(host.wait_for([](const auto& r) { return r.results.contains(7); }, 10s));
    const auto record = host.snapshot();
    EXPECT_EQ(record.results.at(7).status, HEARTH_OK);
    EXPECT_EQ(record.state.at("probe1").at("on"), true);
    host.call([&] { api->stop(d); });
    host.call([&] { api->destroy(d); });
    EXPECT_EQ(threads_seen().size(), 1u);  // constructor, entries and the timer handler
}

TEST(kit_runtime, exceptions_become_statuses_with_the_reason) {
    hearth::testing::fake_host host;
    const auto* api = probe_api();
    char error[256] = {};
    const std::string refuse = R"({"device": "refuse"})";
    hearth_driver* d = nullptr;
    host.call([&] {
        d = api->create(host.api(), host.ctx(), {"i", 1}, {refuse.data(), refuse.size()}, error, sizeof error);
    });
    EXPECT_EQ(d, nullptr);
    EXPECT_STREQ(error, "device must not be 'refuse'");

    host.call([&] { d = api->create(host.api(), host.ctx(), {"i", 1}, {"{}", 2}, error, sizeof error); });
    ASSERT_NE(d, nullptr) << error;
    int rc = 0;
    host.call([&] { rc = api->start(d, error, sizeof error); });
    const std::string boom = R"({"command": "boom", "params": {}})";
    host.call([&] { rc = api->handle_command(d, 8, {"probe", 5}, {boom.data(), boom.size()}, error, sizeof error); });
    EXPECT_EQ(rc, HEARTH_ERR_DEVICE);
    EXPECT_STREQ(error, "refused by the device");
    host.call([&] { api->stop(d); });
    host.call([&] { api->destroy(d); });
}

}  // namespace
