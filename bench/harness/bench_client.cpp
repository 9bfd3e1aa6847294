// Paho glue of the bench harness's MQTT client.
#include "bench_client.hpp"

#include "../driver/timeline.hpp"
#include "mqtt/tcp_nodelay.hpp"

namespace hearth::bench {

bench_client::bench_client(const std::string& url, const std::string& client_id, handler on_message)
    : client_(
          std::make_unique<::mqtt::async_client>(url, client_id, ::mqtt::create_options(MQTTVERSION_3_1_1, 1000000))) {
    if (on_message) {
        client_->set_message_callback([cb = std::move(on_message)](::mqtt::const_message_ptr m) {
            const std::int64_t ns = now_ns();
            cb(arrival{m->get_topic(), m->get_payload_str(), m->is_retained(), ns});
        });
    }
    auto opts =
        ::mqtt::connect_options_builder().clean_session(true).keep_alive_interval(std::chrono::seconds(30)).finalize();
    opts.set_max_inflight(1000);
    client_->connect(opts)->wait();
    // The same Nagle fix hearthd applies to its broker socket, so the raw baseline is comparable.
    if (const auto endpoint = hearth::mqtt::parse_broker_url(url)) hearth::mqtt::set_tcp_nodelay_to(*endpoint);
}

bench_client::~bench_client() {
    try {
        client_->disconnect()->wait_for(std::chrono::seconds(2));
    } catch (...) {  // NOLINT(bugprone-empty-catch): best effort at teardown
    }
}

void bench_client::subscribe(const std::string& filter, int qos) { client_->subscribe(filter, qos)->wait(); }

void bench_client::publish(const std::string& topic, const std::string& payload, int qos, bool retained) {
    client_->publish(topic, payload.data(), payload.size(), qos, retained);
}

void bench_client::publish_wait(const std::string& topic, const std::string& payload, int qos, bool retained) {
    client_->publish(topic, payload.data(), payload.size(), qos, retained)->wait();
}

}  // namespace hearth::bench
