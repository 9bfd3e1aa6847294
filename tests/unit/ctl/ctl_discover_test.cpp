// `hearthctl discover` end to end: the built hearthctl against tuya_sim's discovery broadcasts on
// a free loopback UDP port (no broker needed for --source tuya) and against a real mosquitto
// holding a retained Zigbee2MQTT bridge/devices list. Processes are started here and stopped by
// PID; the readiness wait has a deadline.
#include "support/broker_process.hpp"
#include "support/mqtt_probe.hpp"
#include <hearth/testing/ports.hpp>
#include <hearth/testing/process.hpp>
#include <hearth/testing/temp_dir.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>

namespace hearth::ctl_discover_test {
namespace {

using namespace hearth::test;
using namespace hearth::testing;
using namespace std::chrono_literals;
using json = nlohmann::json;
namespace fs = std::filesystem;

TEST(HearthctlDiscover, FindsATuyaDeviceByItsBroadcastsWithoutABroker) {
    const fs::path dir = make_temp_dir("ctl-discover-tuya");
    const std::uint16_t udp = free_udp_port();
    child_process sim(
        {TUYA_SIM_PATH, "--port", std::to_string(free_tcp_port()), "--key", "Kc4n4ry-L0calKey", "--version", "3.4",
         "--kind", "fan", "--broadcast-port", std::to_string(udp), "--broadcast-ms", "100"},
        dir / "sim.log");
    sim.start();
    // --port 1 names a broker that is not there: the Tuya search must not need one.
    const run_result r = run_capture({HEARTHCTL_PATH, "--port", "1", "discover", "--source", "tuya", "--listen",
                                      "127.0.0.1", "--tuya-ports", std::to_string(udp), "--seconds", "2", "--json"},
                                     dir);
    sim.stop(SIGTERM, 5s);
    ASSERT_EQ(r.code, 0) << r.err << sim.log();
    const json found = json::parse(r.out);
    ASSERT_EQ(found["tuya"].size(), 1U) << r.out;
    const json& d = found["tuya"][0];
    EXPECT_EQ(d["device_id"], "bf0a1b2c3d4e5f6a7b8c9d");
    EXPECT_EQ(d["version"], "3.4");
    EXPECT_GE(d["broadcasts"].get<int>(), 2) << "one every 100 ms for 2 s";
    EXPECT_EQ(d["config"]["plugin"], "tuya");
    EXPECT_EQ(d["config"]["config"]["host"], "127.0.0.1");
    EXPECT_FALSE(r.out.find("Kc4n4ry") != std::string::npos) << "the local key is never broadcast";
    fs::remove_all(dir);
}

TEST(HearthctlDiscover, ListsAZigbee2mqttInstancesDevicesAndTheDriverEntry) {
    const fs::path dir = make_temp_dir("ctl-discover-z2m");
    broker_process broker(dir);
    ASSERT_NO_THROW(broker.start());
    mqtt_probe z2m(broker.port());
    z2m.connect();
    z2m.publish("zigbee2mqtt/bridge/devices", R"([
      {"ieee_address":"0x00124b0000000000","type":"Coordinator","friendly_name":"Coordinator","supported":true,
       "interview_completed":true,"definition":null},
      {"ieee_address":"0x00158d0001a2b3c4","type":"EndDevice","friendly_name":"hall door","supported":true,
       "interview_completed":true,"definition":{"model":"MCCGQ11LM","vendor":"Aqara","description":"Door sensor",
       "exposes":[]}}])",
                true);
    const std::string port = std::to_string(broker.port());
    const run_result r = run_capture({HEARTHCTL_PATH, "--port", port, "discover", "--source", "z2m"}, dir);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("1 device(s)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("0x00158d0001a2b3c4  hall door  Aqara   MCCGQ11LM  EndDevice  supported"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find(R"({"plugin":"z2m","id":"zigbee","config":{"url":"mqtt://127.0.0.1:)" + port +
                         R"(","base_topic":"zigbee2mqtt"}})"),
              std::string::npos)
        << r.out;

    // Another base topic holds nothing: said so, within --seconds, exit 0.
    const auto started = std::chrono::steady_clock::now();
    const run_result none = run_capture(
        {HEARTHCTL_PATH, "--port", port, "discover", "--source", "z2m", "--z2m-base", "other", "--seconds", "1"}, dir);
    EXPECT_EQ(none.code, 0) << none.err;
    EXPECT_NE(none.out.find("no retained other/bridge/devices"), std::string::npos) << none.out;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);

    EXPECT_EQ(run_capture({HEARTHCTL_PATH, "discover", "--source", "zwave"}, dir).code, 2);
    EXPECT_EQ(run_capture({HEARTHCTL_PATH, "discover", "--seconds", "0"}, dir).code, 2);
    EXPECT_EQ(run_capture({HEARTHCTL_PATH, "discover", "--z2m-base", "a/#"}, dir).code, 2);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace hearth::ctl_discover_test
