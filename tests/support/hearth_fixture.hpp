// GoogleTest fixture for the MQTT contract tests: a per-test temp dir, a broker and a hearthd
// started on demand, probes, and the expectations every test shares (the demo's device ids,
// "everything published" checks). On failure the tails of hearthd's and mosquitto's logs are
// printed and the temp dir is kept; on success it is removed.
#pragma once

#include "support/broker_process.hpp"
#include "support/daemon_process.hpp"
#include "support/mqtt_probe.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace hearth::test {

/// The 11 device ids of the demo driver (plugins/demo/device_catalog.cpp).
const std::vector<std::string>& demo_device_ids();

/// Topic helpers for the default base topic and discovery prefix.
std::string state_topic(const std::string& id);
std::string availability_topic(const std::string& id);
std::string discovery_topic(const std::string& id);
inline const std::string bridge_state_topic = "hearth/bridge/state";

/// True if `m` is bridge/state with {"state": `state`}.
bool is_bridge_state(const received& m, const std::string& state);

/// Every topic a connected hearthd must publish for the demo (bridge state, every device's state,
/// availability and discovery), each with a non-empty payload in `msgs` at index >= `from`.
/// Returns the missing topics (empty when complete).
std::vector<std::string> missing_topics(const std::vector<received>& msgs, std::size_t from, bool retained_only);

class hearth_test : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    /// Starts the test broker (once per test unless stopped).
    broker_process& start_broker(broker_options options = {});

    /// The default hearthd options for the running broker.
    [[nodiscard]] daemon_options default_daemon_options() const;

    /// Creates (first call) and starts hearthd.
    daemon_process& start_daemon(daemon_options options);
    daemon_process& start_daemon() { return start_daemon(default_daemon_options()); }

    /// A connected probe on the test broker, subscribed to `filters` (may be empty).
    std::unique_ptr<mqtt_probe> make_probe(const std::vector<std::string>& filters, probe_options options = {});

    /// Waits until `probe` has seen {"state":"online"} on bridge/state at index >= `from`.
    bool wait_online(mqtt_probe& probe, std::chrono::milliseconds timeout, std::size_t from = 0);

    /// The broker, a probe on `filters` (into `probe`) and hearthd with the default options; fails
    /// the test unless bridge/state says online and then `device`'s state arrives (10 s each).
    /// Call under ASSERT_NO_FATAL_FAILURE.
    void bring_up(std::unique_ptr<mqtt_probe>& probe, const std::vector<std::string>& filters,
                  const std::string& device);

    /// The same, but waits until every topic of the demo is published (missing_topics, 15 s).
    void bring_up_complete(std::unique_ptr<mqtt_probe>& probe, const std::vector<std::string>& filters);

    std::filesystem::path dir_;
    std::unique_ptr<broker_process> broker_;
    std::unique_ptr<daemon_process> daemon_;
};

}  // namespace hearth::test
