// Unit tests of isapi_xml.hpp: tag extraction, EventNotificationAlert, PrivacyMask,
// ResponseStatus, base64.
#include "isapi_xml.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace hearth::isapi {
namespace {

TEST(isapi_xml, tag_text_tolerates_prefixes_attributes_whitespace_and_entities) {
    const std::string xml =
        "<?xml version=\"1.0\"?>\n<a:Root xmlns:a=\"urn:x\">\n  <a:eventType  kind=\"x\" >\n VMD \n"
        "</a:eventType ><name>Tom &amp; Jerry &lt;3</name><empty/><e2></e2></a:Root>";
    EXPECT_EQ(xml_tag_text(xml, "eventType").value_or("?"), "VMD");
    EXPECT_EQ(xml_tag_text(xml, "name").value_or("?"), "Tom & Jerry <3");
    EXPECT_EQ(xml_tag_text(xml, "empty").value_or("?"), "");
    EXPECT_EQ(xml_tag_text(xml, "e2").value_or("?"), "");
    EXPECT_FALSE(xml_tag_text(xml, "missing"));
    EXPECT_FALSE(xml_tag_text(xml, "event"));                   // no prefix matches of local names
    EXPECT_FALSE(xml_tag_text("<eventType>VMD", "eventType"));  // unterminated
}

TEST(isapi_xml, parses_a_hikvision_style_motion_alert) {
    const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<ipAddress>192.168.1.64</ipAddress>
<portNo>80</portNo>
<protocol>HTTP</protocol>
<macAddress>44:19:b6:00:00:01</macAddress>
<channelID>1</channelID>
<dateTime>2024-03-01T10:15:30+01:00</dateTime>
<activePostCount>1</activePostCount>
<eventType>VMD</eventType>
<eventState>active</eventState>
<eventDescription>Motion alarm</eventDescription>
</EventNotificationAlert>)";
    const auto a = parse_alert(xml);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->event_type, "VMD");
    EXPECT_TRUE(a->active);
    EXPECT_EQ(a->channel, 1);
    EXPECT_EQ(a->date_time, "2024-03-01T10:15:30+01:00");
    EXPECT_EQ(a->description, "Motion alarm");
}

TEST(isapi_xml, heartbeat_dyn_channel_and_rejects) {
    const auto hb = parse_alert(
        "<EventNotificationAlert><dynChannelID>3</dynChannelID><eventType>videoloss</eventType>"
        "<eventState>inactive</eventState></EventNotificationAlert>");
    ASSERT_TRUE(hb);
    EXPECT_FALSE(hb->active);
    EXPECT_EQ(hb->channel, 3);
    EXPECT_FALSE(parse_alert("<Other><eventType>VMD</eventType></Other>"));
    EXPECT_FALSE(parse_alert("<EventNotificationAlert><eventState>active</eventState></EventNotificationAlert>"));
    const auto bad_channel = parse_alert(
        "<EventNotificationAlert><channelID>x1</channelID><eventType>IO</eventType>"
        "<eventState>ACTIVE</eventState></EventNotificationAlert>");
    ASSERT_TRUE(bad_channel);
    EXPECT_EQ(bad_channel->channel, 0);
    EXPECT_TRUE(bad_channel->active);
}

TEST(isapi_xml, privacy_mask_round_trip) {
    EXPECT_EQ(parse_privacy_enabled(privacy_mask_xml(true)), std::optional<bool>(true));
    EXPECT_EQ(parse_privacy_enabled(privacy_mask_xml(false)), std::optional<bool>(false));
    EXPECT_EQ(parse_privacy_enabled("<PrivacyMask><enabled> TRUE </enabled></PrivacyMask>"), std::optional<bool>(true));
    EXPECT_FALSE(parse_privacy_enabled("<PrivacyMask><enabled>maybe</enabled></PrivacyMask>"));
    EXPECT_FALSE(parse_privacy_enabled("<PrivacyMask/>"));
}

TEST(isapi_xml, response_status) {
    const auto ok = parse_response_status(
        "<ResponseStatus version=\"2.0\"><requestURL>/x</requestURL><statusCode>1</statusCode>"
        "<statusString>OK</statusString><subStatusCode>ok</subStatusCode></ResponseStatus>");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status_code, 1);
    EXPECT_EQ(ok->status_string, "OK");
    EXPECT_EQ(ok->sub_status_code, "ok");
    EXPECT_FALSE(parse_response_status("<ResponseStatus><statusCode>x</statusCode></ResponseStatus>"));
    EXPECT_FALSE(parse_response_status("<PrivacyMask/>"));
}

TEST(isapi_xml, base64_rfc4648_vectors) {
    const auto enc = [](const std::string& s) {
        return base64_encode({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
    };
    EXPECT_EQ(enc(""), "");
    EXPECT_EQ(enc("f"), "Zg==");
    EXPECT_EQ(enc("fo"), "Zm8=");
    EXPECT_EQ(enc("foo"), "Zm9v");
    EXPECT_EQ(enc("foob"), "Zm9vYg==");
    EXPECT_EQ(enc("fooba"), "Zm9vYmE=");
    EXPECT_EQ(enc("foobar"), "Zm9vYmFy");
    const std::vector<std::uint8_t> jpeg_start = {0xFF, 0xD8, 0xFF};
    EXPECT_EQ(base64_encode(jpeg_start), "/9j/");
}

}  // namespace
}  // namespace hearth::isapi
