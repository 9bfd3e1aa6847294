// A hearthd core without a broker, for bridge-request tests and the bridge_requests fuzz target:
// gateway (with a restored demo-like device), SQLite store in a temporary directory, the MQTT
// bridge (never started: nothing connects) and the rules service, wired as src/app/daemon.cpp
// wires them. request() runs one request through bridge::run_request and polls the loop until
// it is answered (deadline 10 s).
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "app/persistence.hpp"
#include "app/rules_service.hpp"
#include "core/gateway.hpp"
#include "mqtt/bridge.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include <unistd.h>

namespace hearth::fuzz {

class bridge_rig {
public:
    bridge_rig() {
        dir_ = std::filesystem::temp_directory_path() /
               ("hearth-bridge-rig-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_ / "scenes");
        std::ofstream(dir_ / "scenes" / "home.json")
            << R"({"scenes":[{"id":"evening","targets":[{"device":"living_light","set":{"on":true}}]}],
                  "automations":[{"id":"night","triggers":[{"type":"time","at":"23:00"}],
                                  "actions":[{"scene":"evening"}]}]})";
        cfg_.mqtt.url = "mqtt://127.0.0.1:1";  // never connected: the bridge is not started
        cfg_.mqtt.client_id = "rig";
        cfg_.database.path = (dir_ / "hearth.db").string();
        cfg_.database.backup_dir = (dir_ / "backups").string();
        cfg_.database.backup_interval_h = 0;
        cfg_.scenes_dir = (dir_ / "scenes").string();
        gw_ = std::make_unique<gateway>(loop_, clock_, gateway::options{});
        persist_ = std::make_unique<persistence>(loop_, clock_, cfg_.database);
        auto light = parse_descriptor(nlohmann::json::parse(
            R"({"id":"living_light","type":"light","name":"Living light",
                "properties":{"on":{"type":"bool","writable":true},
                              "brightness":{"type":"int","min":0,"max":100,"writable":true}}})"));
        light->driver = "demo";
        gw_->restore_device(std::move(*light), {{"on", false}, {"brightness", 10}});
        gw_->add_observer(persist_.get());
        mqtt::bridge_options bopts;
        bopts.version = "test";
        bopts.extra_health = [this] { return persist_->health(); };
        bridge_ = std::make_unique<mqtt::bridge>(loop_, *gw_, cfg_, bopts);
        gw_->add_observer(bridge_.get());
        persist_->start(bridge_.get());
        rules_ = std::make_unique<rules_service>(loop_, clock_, *gw_, persist_->db(), cfg_);
        rules_->start(bridge_.get());
        gw_->add_observer(rules_.get());
        rules_->on_drivers_ready();
        loop_.poll();
    }
    ~bridge_rig() {
        rules_->stop();
        gw_->remove_observer(rules_.get());
        gw_->remove_observer(bridge_.get());
        gw_->remove_observer(persist_.get());
        rules_.reset();
        bridge_.reset();
        persist_->stop();
        persist_.reset();
        gw_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    bridge_rig(const bridge_rig&) = delete;
    bridge_rig& operator=(const bridge_rig&) = delete;

    /// The response object of request `name` with `payload`; null if none came within 10 s.
    nlohmann::json request(const std::string& name, const std::string& payload) {
        std::optional<nlohmann::json> out;
        bridge_->run_request(name, payload, [&](nlohmann::json r) { out = std::move(r); });
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!out && std::chrono::steady_clock::now() < deadline) {
            loop_.restart();
            loop_.run_for(std::chrono::milliseconds(2));
        }
        return out.value_or(nlohmann::json());
    }

    [[nodiscard]] std::vector<std::string> request_names() const { return bridge_->request_names(); }
    mqtt::bridge& bridge() { return *bridge_; }
    gateway& gw() { return *gw_; }
    persistence& persist() { return *persist_; }
    manual_clock& clock() { return clock_; }
    const std::filesystem::path& dir() const { return dir_; }

private:
    static int& counter() {
        static int n = 0;
        return n;
    }
    std::filesystem::path dir_;
    boost::asio::io_context loop_;
    manual_clock clock_;
    config cfg_;
    std::unique_ptr<gateway> gw_;
    std::unique_ptr<persistence> persist_;
    std::unique_ptr<mqtt::bridge> bridge_;
    std::unique_ptr<rules_service> rules_;
};

}  // namespace hearth::fuzz
