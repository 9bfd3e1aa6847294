// Role: what the two miIO drivers (vacuum_miio, miot) share on hearth::kit: the common config keys
// and both JSON Schemas, one device's client, the poller with availability hysteresis (online
// after one success, offline after offline_after_failures failed polls in a row) and the logging
// of failed polls, commands run as a sequence of miIO calls, and stop(). The token is secret.
#pragma once

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include "miio_client.hpp"

#include <hearth/kit/availability.hpp>
#include <hearth/kit/driver.hpp>
#include <hearth/kit/pending_commands.hpp>
#include <hearth/kit/poller.hpp>

#include <set>
#include <string>
#include <vector>

namespace hearth::miio {

// The config keys both miIO drivers accept. Each schema below stays one JSON document (the
// validator has no allOf), so the shared text is spliced in as an adjacent string literal.
#define HEARTH_MIIO_COMMON_CONFIG_KEYS                                                  \
    R"("host": {"type": "string", "minLength": 1},)"                                    \
    R"("port": {"type": "integer", "minimum": 1, "maximum": 65535},)"                   \
    R"("token": {"type": "string", "pattern": "^[0-9a-fA-F]{32}$", "x-secret": true},)" \
    R"("timeout_ms": {"type": "integer", "minimum": 50, "maximum": 60000},)"            \
    R"("retries": {"type": "integer", "minimum": 0, "maximum": 10},)"                   \
    R"("id": {"type": "string", "pattern": "^[a-z0-9_-]{1,64}$"},)"                     \
    R"("name": {"type": "string"},)"                                                    \
    R"("poll_interval_ms": {"type": "integer", "minimum": 100, "maximum": 3600000},)"   \
    R"("offline_after_failures": {"type": "integer", "minimum": 1, "maximum": 1000})"

inline constexpr const char* k_vacuum_config_schema = R"({
  "type": "object", "additionalProperties": false, "required": ["host", "token", "id"],
  "properties": {)" HEARTH_MIIO_COMMON_CONFIG_KEYS R"(}})";

inline constexpr const char* k_miot_config_schema = R"({
  "type": "object", "additionalProperties": false, "required": ["host", "token", "id", "model"],
  "properties": {)" HEARTH_MIIO_COMMON_CONFIG_KEYS R"(,
    "model": {"type": "string", "minLength": 1},
    "mapping_dir": {"type": "string", "minLength": 1}}})";

struct common_config {
    client_options client;                          ///< host, port, token, timeout_ms, retries
    std::string id;                                 ///< the device id
    std::string name;                               ///< human name
    std::chrono::milliseconds poll_interval{5000};  ///< poll_interval_ms
    int offline_after_failures = 3;
};

/// Reads the shared keys of a config the host checked against the schema; throws
/// std::invalid_argument for a malformed token, without echoing it.
common_config parse_common_config(const json& cfg, const std::string& default_name);

class miio_driver : public kit::driver {
public:
    /// `kind` names the driver in log lines ("vacuum", "miot").
    miio_driver(kit::context& ctx, common_config cfg, std::string kind);

    void refresh(const std::string& device_id) override;
    /// Stops polling, closes the socket, answers every unanswered command and logs the counters.
    void stop() override;

protected:
    using call_list = std::vector<std::pair<std::string, json>>;  ///< (method, params)

    /// Registers the device, reports ready and starts polling.
    void begin(const json& descriptor, const std::string& what);
    /// One poll: call the device, report, then done(true) or done(failed(...)).
    virtual void poll(const kit::poller::done_fn& done) = 0;
    /// A device answer refused by the driver ("" = accepted); default: all accepted.
    virtual std::string refuse(const std::string& /*method*/, const json& /*result*/) const { return {}; }
    /// Runs `calls` in order and answers `command_id` with the first error or, after the last, ok
    /// (or, with a `target` state, when a poll reports it: kit::pending_commands).
    status run(std::uint64_t command_id, call_list calls, json target = json::object());
    /// Reports (a part of) the device's state.
    void report(const json& state);
    /// Records a successful poll.
    void polled();
    /// Records a failed poll and logs it (a rejected token at error level: hearthd counts driver
    /// errors in health); returns false for the poller.
    bool failed(const kit::net_error& e);

    common_config cfg_;
    std::string kind_;
    miio_client client_;

private:
    void next(std::uint64_t command_id, const std::shared_ptr<const call_list>& calls, std::size_t i, json target);
    void answer(std::uint64_t command_id, status code, const std::string& message);

    kit::availability online_;
    kit::poller poller_;
    kit::pending_commands pending_;
    std::set<std::uint64_t> running_;  ///< commands whose calls are under way
};

}  // namespace hearth::miio
