// The MQTT connect-options builder shared by hearthd and hearthctl (see connect_options.hpp).
#include "mqtt/connect_options.hpp"

#include <mqtt/ssl_options.h>

#include <stdexcept>

namespace hearth::mqtt {

connect_plan make_connect_plan(const connect_settings& settings) {
    if (auto problem = broker_url_problem(settings.url); !problem.empty()) throw std::invalid_argument(problem);
    const auto parts = *split_broker_url(settings.url);
    connect_plan plan;
    plan.tls = broker_url_tls_scheme(parts.scheme);
    plan.server_uri = (plan.tls ? "ssl://" : "tcp://") + parts.authority;
    auto builder = ::mqtt::connect_options_builder();
    if (settings.mqtt_version == 5) {
        builder.mqtt_version(MQTTVERSION_5).clean_start(true);
        if (settings.maximum_packet_size > 0) {
            builder.properties({::mqtt::property(::mqtt::property::MAXIMUM_PACKET_SIZE,
                                                 static_cast<int>(settings.maximum_packet_size))});
        }
    } else {
        builder.mqtt_version(MQTTVERSION_3_1_1).clean_session(true);
    }
    builder.keep_alive_interval(settings.keepalive)
        .connect_timeout(settings.connect_timeout)
        .automatic_reconnect(false);
    if (!settings.will_topic.empty())
        builder.will(::mqtt::message(settings.will_topic, settings.will_payload, 1, true));
    if (!settings.username.empty()) builder.user_name(settings.username);
    if (!settings.password.empty()) builder.password(settings.password);
    if (plan.tls) {
        auto ssl = ::mqtt::ssl_options_builder();
        if (!settings.ca_file.empty()) ssl.trust_store(settings.ca_file);
        if (!settings.cert_file.empty()) ssl.key_store(settings.cert_file);
        if (!settings.key_file.empty()) ssl.private_key(settings.key_file);
        ssl.enable_server_cert_auth(true);
        ssl.verify(settings.verify_hostname);
        builder.ssl(ssl.finalize());
    }
    plan.options = builder.finalize();
    return plan;
}

}  // namespace hearth::mqtt
