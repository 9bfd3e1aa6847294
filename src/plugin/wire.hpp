// The wire protocol between hearthd (process_driver) and one hearth-driver-host worker: the
// plugin ABI's data (ids + JSON) carried over a Unix stream socket pair.
//
// Framing: a 4-byte little-endian payload length, then the payload: one JSON object as UTF-8
// text (nlohmann::json::dump). Plain JSON rather than CBOR because the payloads are JSON already
// (state, events, descriptors), it is readable in strace, and dump/parse are not the bottleneck
// (see docs/isolation.md for measured costs). Every message has "t" (its type). A payload longer
// than max_frame_size, an empty payload, or a payload that is not a JSON object poisons the stream:
// the reader reports an error and the peer is treated as broken (the core kills the worker).
//
// This file is pure: encode/decode and a buffered reader, no I/O. Any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hearth::wire {

/// Largest payload accepted in either direction (16 MiB): a descriptor or state far above any
/// real device, small enough that one frame cannot exhaust the reader's memory.
constexpr std::size_t max_frame_size = std::size_t{16} << 20;
constexpr std::size_t header_size = 4;

/// Exit statuses of hearth-driver-host that the supervisor turns into a cause.
constexpr int exit_ok = 0;
constexpr int exit_usage = 64;          ///< bad command line
constexpr int exit_protocol = 65;       ///< the core sent something that is not the protocol
constexpr int exit_memory_limit = 86;   ///< operator new failed (RLIMIT_AS reached)
constexpr int exit_setup_failed = 120;  ///< the child could not apply a limit before exec
constexpr int exit_exec_failed = 127;   ///< execv of hearth-driver-host failed

/// Appends the frame of `message` (a JSON object) to `out`. Throws std::length_error if the
/// payload would exceed max_frame_size (the caller decides what to drop).
void append_frame(std::string& out, const nlohmann::json& message);

/// The frame of `message` as a new string (see append_frame).
[[nodiscard]] std::string encode(const nlohmann::json& message);

/// Reassembles frames from arbitrary chunks of a byte stream (split reads, many frames per
/// chunk). After an error the reader stays in the error state: the stream cannot be resynced.
class frame_reader {
public:
    enum class result { message, need_more, error };

    explicit frame_reader(std::size_t max_frame = max_frame_size) : max_frame_(max_frame) {}

    /// Appends received bytes.
    void feed(const char* data, std::size_t size);
    void feed(std::string_view bytes) { feed(bytes.data(), bytes.size()); }

    /// Extracts the next complete message into `out`: `message`, `need_more` (wait for more
    /// bytes), or `error` (see error()).
    result next(nlohmann::json& out);

    /// Why the stream is broken (one line); empty while it is not.
    [[nodiscard]] const std::string& error() const { return error_; }
    /// Bytes received but not yet consumed.
    [[nodiscard]] std::size_t buffered() const { return buf_.size() - pos_; }

private:
    result fail(std::string why);

    std::size_t max_frame_;
    std::string buf_;
    std::size_t pos_ = 0;
    std::string error_;
};

// ---- Message builders (the whole protocol; docs/isolation.md has the table). ----

/// core -> worker, first message: what to load and how to run it.
nlohmann::json start_message(const std::string& plugin_path, const std::string& plugin_name, const std::string& id,
                             const nlohmann::json& config, const nlohmann::json& settings);
/// core -> worker: one command; `body` is the ABI's command JSON text, passed through as is.
nlohmann::json command_message(std::uint64_t command_id, const std::string& device, const std::string& body);
nlohmann::json refresh_message(const std::string& device);
nlohmann::json stop_message(std::int64_t budget_ms);

/// worker -> core.
/// `sandbox` (optional): {"mode", "layers", "grants"} as the worker applied them (docs/security.md).
nlohmann::json hello_message(const std::string& plugin, const std::string& version, std::int64_t pid,
                             const nlohmann::json& sandbox = nullptr);
nlohmann::json device_registered_message(const nlohmann::json& descriptor);
nlohmann::json device_removed_message(const std::string& device);
nlohmann::json state_message(const std::string& device, const nlohmann::json& state);
nlohmann::json event_message(const std::string& device, const nlohmann::json& event);
nlohmann::json availability_message(const std::string& device, bool online);
nlohmann::json command_done_message(std::uint64_t command_id, int status, const std::string& message);
nlohmann::json ready_message();
/// `fatal`: restarting cannot help (the plugin file cannot be loaded); the core quarantines.
nlohmann::json failed_message(const std::string& reason, bool fatal);
nlohmann::json heartbeat_message(std::int64_t ts_ms, const nlohmann::json& stats);

}  // namespace hearth::wire
