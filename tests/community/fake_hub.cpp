// The wire-contract hub stand-in (fake_hub.hpp).
#include "fake_hub.hpp"

#include "community/community_store.hpp"

#include <thread>

namespace hearth::community_test {

fake_hub::fake_hub(std::string site, std::string home, const std::string& password,
                   const std::vector<std::string>& uris)
    : fake_hub(site, home, "hub-" + home, home, password, uris) {}

fake_hub::fake_hub(std::string site, std::string home, const std::string& client_id, const std::string& user,
                   const std::string& password, const std::vector<std::string>& uris)
    : site_(std::move(site)), home_(std::move(home)) {
    client_ =
        std::make_unique<::mqtt::async_client>(uris.front(), client_id, ::mqtt::create_options(MQTTVERSION_3_1_1));
    auto servers = std::make_shared<::mqtt::string_collection>();
    for (const auto& uri : uris) {
        servers->push_back(uri);
    }
    options_ = ::mqtt::connect_options_builder()
                   .clean_session(true)
                   .user_name(user)
                   .password(password)
                   .keep_alive_interval(std::chrono::seconds(10))
                   .connect_timeout(std::chrono::seconds(3))
                   .automatic_reconnect(std::chrono::milliseconds(200), std::chrono::seconds(2))
                   .finalize();
    options_.set_servers(servers);
    client_->set_message_callback([this](::mqtt::const_message_ptr m) {
        const std::lock_guard lock(mutex_);
        received_.emplace_back(m->get_topic(), m->get_payload_str());
    });
}

fake_hub::~fake_hub() {
    try {
        if (client_->is_connected()) {
            client_->disconnect()->wait_for(std::chrono::seconds(2));
        }
    } catch (const ::mqtt::exception&) {
        // the broker may be gone already
    }
}

bool fake_hub::connect(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            if (client_->connect(options_)->wait_for(std::chrono::seconds(10)) && client_->is_connected()) {
                return true;
            }
        } catch (const ::mqtt::exception&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }
    return false;
}

std::string fake_hub::id_of(std::int64_t seq) const { return home_ + ":" + boot_ + ":" + std::to_string(seq); }

std::string fake_hub::up_topic(const std::string& kind) const {
    return "community/" + site_ + "/" + home_ + "/up/" + kind;
}

std::string fake_hub::envelope(std::int64_t seq, const std::string& kind, std::int64_t ts_ms,
                               const std::string& data_json) const {
    const std::string priority = kind == "health"                                 ? "low"
                                 : (kind == "energy_daily" || kind == "response") ? "normal"
                                                                                  : "alarm";
    return R"({"v":1,"id":")" + id_of(seq) + R"(","site":")" + site_ + R"(","home":")" + home_ + R"(","kind":")" +
           kind + R"(","priority":")" + priority + R"(","ts":)" + std::to_string(ts_ms) + R"(,"data":)" + data_json +
           "}";
}

bool fake_hub::publish_once(const std::string& topic, const std::string& payload) {
    try {
        auto token = client_->publish(topic, payload.data(), payload.size(), 1, false);
        return token->wait_for(std::chrono::seconds(5)) && token->get_return_code() == 0;
    } catch (const ::mqtt::exception&) {
        return false;
    }
}

int fake_hub::publish_reliably(const std::string& topic, const std::string& payload,
                               std::chrono::steady_clock::time_point deadline) {
    int sends = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!client_->is_connected()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        ++sends;
        if (publish_once(topic, payload)) {
            return sends;
        }
    }
    return 0;
}

int fake_hub::subscribe(const std::string& filter) {
    try {
        auto token = client_->subscribe(filter, 1);
        if (!token->wait_for(std::chrono::seconds(5))) {
            return -1;
        }
        const auto codes = token->get_subscribe_response().get_reason_codes();
        return codes.empty() ? -1 : static_cast<int>(codes.front());
    } catch (const ::mqtt::exception& e) {
        return e.get_reason_code() == 0x80 ? 0x80 : -1;
    }
}

bool fake_hub::await_service(const std::filesystem::path& database, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::int64_t seq = 1'000'000'000;
    while (std::chrono::steady_clock::now() < deadline) {
        publish_once(up_topic("health"), envelope(++seq, "health", 0, R"({"probe":true})"));
        for (int i = 0; i < 10; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            if (std::filesystem::exists(database) &&
                community::community_store::open(database).health(home_).has_value()) {
                return true;
            }
        }
    }
    return false;
}

std::vector<std::pair<std::string, std::string>> fake_hub::received() {
    const std::lock_guard lock(mutex_);
    return received_;
}

}  // namespace hearth::community_test
