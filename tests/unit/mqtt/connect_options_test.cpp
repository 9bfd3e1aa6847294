// The connect-options builder hearthd and hearthctl share: one test per URL scheme (TLS and its
// certificate checks must not depend on which program connects), userinfo refused and redacted.
#include "mqtt/connect_options.hpp"

#include <gtest/gtest.h>

namespace {

using namespace hearth::mqtt;

connect_settings with_url(const std::string& url) {
    connect_settings s;
    s.url = url;
    s.ca_file = "/etc/ssl/certs/ca.pem";
    return s;
}

TEST(connect_plan, mqtt_scheme_is_plain_tcp) {
    const auto plan = make_connect_plan(with_url("mqtt://127.0.0.1:1883"));
    EXPECT_EQ(plan.server_uri, "tcp://127.0.0.1:1883");
    EXPECT_FALSE(plan.tls);
}

TEST(connect_plan, tcp_scheme_is_plain_tcp) {
    const auto plan = make_connect_plan(with_url("tcp://hub.local:1883"));
    EXPECT_EQ(plan.server_uri, "tcp://hub.local:1883");
    EXPECT_FALSE(plan.tls);
}

TEST(connect_plan, mqtts_scheme_checks_the_server_certificate) {
    const auto plan = make_connect_plan(with_url("mqtts://hub.local:8883"));
    EXPECT_EQ(plan.server_uri, "ssl://hub.local:8883");
    EXPECT_TRUE(plan.tls);
    EXPECT_TRUE(plan.options.get_ssl_options().get_enable_server_cert_auth());
    EXPECT_TRUE(plan.options.get_ssl_options().get_verify());
    EXPECT_EQ(plan.options.get_ssl_options().get_trust_store(), "/etc/ssl/certs/ca.pem");
}

TEST(connect_plan, ssl_scheme_checks_the_server_certificate_like_mqtts) {
    // hearthd used to set no TLS options for ssl:// at all (hearthctl did): issue 23, item 24.
    const auto plan = make_connect_plan(with_url("ssl://hub.local:8883"));
    EXPECT_EQ(plan.server_uri, "ssl://hub.local:8883");
    EXPECT_TRUE(plan.tls);
    EXPECT_TRUE(plan.options.get_ssl_options().get_enable_server_cert_auth());
    EXPECT_TRUE(plan.options.get_ssl_options().get_verify());
}

TEST(connect_plan, host_name_check_can_be_turned_off_but_not_the_certificate_check) {
    auto s = with_url("mqtts://10.0.0.2:8883");
    s.verify_hostname = false;
    const auto plan = make_connect_plan(s);
    EXPECT_TRUE(plan.options.get_ssl_options().get_enable_server_cert_auth());
    EXPECT_FALSE(plan.options.get_ssl_options().get_verify());
}

TEST(connect_plan, credentials_and_will) {
    auto s = with_url("mqtt://127.0.0.1:1883");
    s.username = "hub";
    s.password = "secret";
    s.will_topic = "hearth/bridge/state";
    s.will_payload = R"({"state":"offline"})";
    const auto plan = make_connect_plan(s);
    EXPECT_EQ(plan.options.get_user_name(), "hub");
    ASSERT_TRUE(plan.options.get_will_message());
    EXPECT_EQ(plan.options.get_will_message()->get_topic(), "hearth/bridge/state");
    EXPECT_TRUE(plan.options.get_will_message()->is_retained());
}

TEST(connect_plan, userinfo_in_the_url_is_refused_and_never_echoed) {
    const std::string url = "mqtt://hub:canary-pw@127.0.0.1:1883";
    const std::string problem = broker_url_problem(url);
    EXPECT_NE(problem.find("password_file"), std::string::npos) << problem;
    EXPECT_EQ(problem.find("canary-pw"), std::string::npos) << problem;
    EXPECT_THROW(make_connect_plan(with_url(url)), std::invalid_argument);
    EXPECT_EQ(redact_url(url), "mqtt://***@127.0.0.1:1883");
    EXPECT_EQ(redact_url("mqtt://127.0.0.1:1883"), "mqtt://127.0.0.1:1883");
}

TEST(connect_plan, unknown_scheme_is_refused) {
    EXPECT_NE(broker_url_problem("http://127.0.0.1:1883"), "");
    EXPECT_NE(broker_url_problem("127.0.0.1:1883"), "");
    EXPECT_EQ(broker_url_problem("mqtts://hub:8883"), "");
}

TEST(connect_plan, default_is_mqtt_3_1_1_with_a_clean_session) {
    const auto plan = make_connect_plan(with_url("mqtt://127.0.0.1:1883"));  // hearthctl's connection
    EXPECT_EQ(plan.options.get_mqtt_version(), MQTTVERSION_3_1_1);
    EXPECT_TRUE(plan.options.is_clean_session());
    EXPECT_TRUE(plan.options.get_properties().empty());
}

TEST(connect_plan, mqtt5_announces_the_maximum_packet_size) {
    auto settings = with_url("mqtt://127.0.0.1:1883");  // hearthd's connection (issue 23 item 3)
    settings.mqtt_version = 5;
    settings.maximum_packet_size = 1115136;
    const auto plan = make_connect_plan(settings);
    EXPECT_EQ(plan.options.get_mqtt_version(), MQTTVERSION_5);
    EXPECT_TRUE(plan.options.is_clean_start());
    ASSERT_TRUE(plan.options.get_properties().contains(::mqtt::property::MAXIMUM_PACKET_SIZE));
    EXPECT_EQ(::mqtt::get<int>(plan.options.get_properties(), ::mqtt::property::MAXIMUM_PACKET_SIZE), 1115136);
}

}  // namespace
