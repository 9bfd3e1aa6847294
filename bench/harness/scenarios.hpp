// The bench harness's measurements. Each scenario starts what it needs (hearthd with the bench
// driver, Node-RED) against the shared broker, measures, stops it again and returns a JSON result
// (latencies as p50/p99/p99.9/max in µs, counts, RSS in KiB, times in ms).
#pragma once

#include "hearthd_run.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <string>

namespace hearth::bench {

struct bench_env {
    build_paths paths;
    std::filesystem::path work;  ///< scratch root; each scenario makes a subdirectory
    std::string broker_url;      ///< mqtt://127.0.0.1:<port>
    std::uint16_t broker_port = 0;
    std::function<pid_t()> broker_pid;  ///< mosquitto's PID (for its CPU time)
    std::filesystem::path nodered_dir;  ///< bench/nodered (start.sh), for the Node-RED comparison
    /// Restarts the broker on the same port with nothing retained (each scenario starts clean:
    /// no retained availability or state of an earlier hearthd can be mistaken for this one's).
    std::function<void()> fresh_broker;
};

/// A fresh broker (nothing retained) and a fresh scratch directory for scenario `name`.
std::filesystem::path start_scenario(const bench_env& env, const std::string& name);

/// Raw broker baseline, one hop: a Paho client publishes {"value": seq} (QoS 1, retained) to
/// raw/s/<i> at `rate`, another receives. Same payloads and QoS as Hearth's state topics.
nlohmann::json raw_state(const bench_env& env, double rate, std::uint64_t count, std::size_t topics);

/// State path: the bench driver reports `count` updates at `rate` over `sensors` sensors ->
/// hearthd -> SQLite + MQTT -> subscriber. Loss on MQTT and in state_history, latency, RSS.
nlohmann::json hearth_state(const bench_env& env, const std::string& isolation, std::size_t sensors, double rate,
                            std::uint64_t count);

/// Raw broker baseline of the command path: publish to raw/sw/set, an echo client republishes
/// the value (QoS 1, retained) on raw/sw, the publisher receives it. `count` sequential rounds.
nlohmann::json raw_command(const bench_env& env, std::uint64_t count);

/// Command path: `/set {"on": x}` -> validation -> driver -> new state on hearth/bench_sw_0.
nlohmann::json hearth_command(const bench_env& env, const std::string& isolation, std::uint64_t count);

/// Rules: `rules` automations (state of bench_s_<j % sensors> -> pulse bench_sw_<j % sensors>),
/// trigger-to-action latency at `rate` and evaluation throughput at higher rates.
nlohmann::json hearth_rules(const bench_env& env, const std::string& isolation, std::size_t sensors, std::size_t rules,
                            double rate, double seconds);

/// Footprint: start-to-READY and idle RSS with `sensors` + `switches` devices and `rules` rules
/// (measured on a second start, with that data already in the database).
nlohmann::json footprint(const bench_env& env, const std::string& isolation, std::size_t sensors, std::size_t switches,
                         std::size_t rules);

/// Hostile-size burst: peak RSS (VmHWM) of hearthd while `messages` payloads of `payload_mib` MiB
/// (and one 100,000-deep /set) arrive, against the same number of ordinary /set in the same run;
/// RSS afterwards (memory given back) and whether hearthd survived.
nlohmann::json hostile_burst(const bench_env& env, std::size_t messages, std::size_t payload_mib);

/// Soak: the state path at `rate` for `seconds`; RSS sampled every 10 s, outliers >= 1 s counted.
nlohmann::json soak(const bench_env& env, const std::string& isolation, double rate, double seconds);

/// The same automation (bench_s_<i> changes -> pulse bench_sw_<i>) by Hearth's rules and by
/// Node-RED over the same broker: trigger-to-action latency and RSS of both, same load.
nlohmann::json versus_nodered(const bench_env& env, std::size_t devices, double rate, double seconds);

}  // namespace hearth::bench
