// `hearthctl discover`'s pure part (src/ctl/discover.cpp): Tuya broadcasts of the three formats
// become one find per device with the config snippet; garbage datagrams are counted, not found;
// Zigbee2MQTT's bridge/devices becomes rows without the coordinator; a malformed list is named.
#include "ctl/discover.hpp"

#include "tuya_discovery.hpp"

#include <gtest/gtest.h>

namespace hearth::ctl {
namespace {

using json = nlohmann::json;

std::span<const std::uint8_t> view(const tuya::bytes& b) { return {b.data(), b.size()}; }

TEST(ctl_discover, tuya_broadcasts_of_every_format_make_one_find_per_device) {
    discovery_findings f;
    const std::string doc = R"({"ip":"192.168.1.52","gwId":"bf0A1b2c","version":"3.4","productKey":"keyabc"})";
    add_tuya_datagram(f, view(tuya::encode_discovery(doc, tuya::discovery_format::plain_55aa)), "192.168.1.52");
    add_tuya_datagram(f, view(tuya::encode_discovery(doc, tuya::discovery_format::ecb_55aa)), "192.168.1.52");
    const std::string v35 = R"({"gwId":"dev35","version":"3.5"})";  // no "ip": the sender's address
    add_tuya_datagram(f, view(tuya::encode_discovery(v35, tuya::discovery_format::gcm_6699)), "10.0.0.9");
    ASSERT_EQ(f.tuya.size(), 2U);
    EXPECT_EQ(f.tuya.at("bf0A1b2c").broadcasts, 2);
    EXPECT_EQ(f.tuya.at("bf0A1b2c").product_key, "keyabc");
    EXPECT_EQ(f.tuya.at("dev35").ip, "10.0.0.9");
    EXPECT_EQ(tuya_snippet(f.tuya.at("bf0A1b2c")).dump(),
              R"({"plugin":"tuya","id":"tuya_bf0a1b2c","config":{"host":"192.168.1.52","device_id":"bf0A1b2c",)"
              R"("local_key":"<16-character local key from the Tuya IoT platform>","version":"3.4",)"
              R"("category":"<plug|bulb|contact|ac|curtain|fan>"}})");
    EXPECT_EQ(f.tuya_ignored, 0);
}

TEST(ctl_discover, undecodable_datagrams_are_counted_with_their_reason_never_found) {
    discovery_findings f;
    const tuya::bytes junk = {'h', 'e', 'l', 'l', 'o'};
    add_tuya_datagram(f, view(junk), "127.0.0.1");
    add_tuya_datagram(f, {}, "127.0.0.1");
    add_tuya_datagram(f, view(tuya::encode_discovery(R"({"ip":"1.2.3.4"})", tuya::discovery_format::ecb_55aa)),
                      "127.0.0.2");
    EXPECT_TRUE(f.tuya.empty());
    EXPECT_EQ(f.tuya_ignored, 3);
    ASSERT_EQ(f.tuya_errors.size(), 3U);
    EXPECT_EQ(f.tuya_errors[0], "127.0.0.1: bad frame prefix");
    EXPECT_EQ(f.tuya_errors[2], "127.0.0.2: broadcast without a gwId");
    EXPECT_NE(render_findings(f, false).find("3 datagram(s) ignored"), std::string::npos);
}

TEST(ctl_discover, driver_ids_are_valid_hearth_ids) {
    EXPECT_EQ(tuya_driver_id("BF0a-1b_2c"), "tuya_bf0a1b2c");
    EXPECT_EQ(tuya_driver_id(std::string(100, 'a')).size(), 64U);
    EXPECT_EQ(tuya_driver_id("../x"), "tuya_x");
}

TEST(ctl_discover, z2m_devices_without_the_coordinator_and_with_their_status) {
    discovery_findings f;
    f.z2m_searched = true;
    f.z2m_base = "zigbee2mqtt";
    f.z2m_url = "mqtt://127.0.0.1:1883";
    add_z2m_devices(f, R"([
      {"ieee_address":"0x00124b0000000000","type":"Coordinator","friendly_name":"Coordinator","supported":true,
       "interview_completed":true,"definition":null},
      {"ieee_address":"0x00158d0001a2b3c4","type":"EndDevice","friendly_name":"hall/door","supported":true,
       "interview_completed":true,"definition":{"model":"MCCGQ11LM","vendor":"Aqara","description":"Door sensor",
       "exposes":[]}},
      {"ieee_address":"0x0017880100000001","type":"Router","friendly_name":"new bulb","supported":false,
       "interview_completed":false,"definition":null,"model_id":"LWA001","manufacturer":"Signify"},
      "not an object", 42])");
    ASSERT_EQ(f.z2m_devices.size(), 2U);
    EXPECT_EQ(f.z2m_devices[0]["model"], "MCCGQ11LM");
    EXPECT_EQ(f.z2m_devices[1]["vendor"], "Signify");
    const std::string text = render_findings(f, false);
    EXPECT_NE(text.find("Zigbee2MQTT ('zigbee2mqtt' on mqtt://127.0.0.1:1883): 2 device(s)"), std::string::npos)
        << text;
    EXPECT_NE(text.find("hall/door"), std::string::npos);
    EXPECT_NE(text.find("interviewing"), std::string::npos);
    EXPECT_NE(
        text.find(
            R"({"plugin":"z2m","id":"zigbee","config":{"url":"mqtt://127.0.0.1:1883","base_topic":"zigbee2mqtt"}})"),
        std::string::npos)
        << text;
    const json j = findings_json(f);
    EXPECT_EQ(j.at("z2m").at("config").at("config").at("base_topic"), "zigbee2mqtt");
    EXPECT_EQ(j.at("z2m").at("devices").size(), 2U);
}

TEST(ctl_discover, a_malformed_or_missing_z2m_list_is_named_and_gives_no_snippet) {
    discovery_findings f;
    f.z2m_searched = true;
    f.z2m_base = "z";
    EXPECT_NE(render_findings(f, false).find("no retained z/bridge/devices"), std::string::npos);
    add_z2m_devices(f, "{not json");
    EXPECT_EQ(f.z2m_error, "bridge/devices is not JSON");
    add_z2m_devices(f, R"({"devices":[]})");
    EXPECT_EQ(f.z2m_error, "bridge/devices is not a JSON array");
    const std::string text = render_findings(f, false);
    EXPECT_EQ(text.find("\"plugin\":\"z2m\""), std::string::npos) << text;
    EXPECT_FALSE(findings_json(f)["z2m"].contains("config"));
}

}  // namespace
}  // namespace hearth::ctl
