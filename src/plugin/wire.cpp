// Framing and message builders of the core <-> worker protocol (see wire.hpp).
#include "plugin/wire.hpp"

#include "core/json_input.hpp"

#include <stdexcept>

namespace hearth::wire {

using json = nlohmann::json;

void append_frame(std::string& out, const json& message) {
    const std::string payload = message.dump(-1, ' ', false, json::error_handler_t::replace);
    if (payload.size() > max_frame_size) {
        throw std::length_error("frame of " + std::to_string(payload.size()) + " bytes exceeds the limit of " +
                                std::to_string(max_frame_size));
    }
    const auto n = static_cast<std::uint32_t>(payload.size());
    const char header[header_size] = {static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff),
                                      static_cast<char>((n >> 16) & 0xff), static_cast<char>((n >> 24) & 0xff)};
    out.append(header, header_size);
    out.append(payload);
}

std::string encode(const json& message) {
    std::string out;
    append_frame(out, message);
    return out;
}

void frame_reader::feed(const char* data, std::size_t size) {
    if (!error_.empty() || size == 0) return;
    // Compact lazily: drop consumed bytes only when they dominate the buffer.
    if (pos_ > 0 && pos_ >= buf_.size() / 2) {
        buf_.erase(0, pos_);
        pos_ = 0;
    }
    buf_.append(data, size);
}

frame_reader::result frame_reader::fail(std::string why) {
    error_ = std::move(why);
    buf_.clear();
    pos_ = 0;
    return result::error;
}

frame_reader::result frame_reader::next(json& out) {
    if (!error_.empty()) return result::error;
    if (buffered() < header_size) return result::need_more;
    const auto* h = reinterpret_cast<const unsigned char*>(buf_.data() + pos_);
    const std::size_t n =
        std::size_t{h[0]} | (std::size_t{h[1]} << 8) | (std::size_t{h[2]} << 16) | (std::size_t{h[3]} << 24);
    if (n == 0) return fail("empty frame");
    if (n > max_frame_) {
        return fail("frame of " + std::to_string(n) + " bytes exceeds the limit of " + std::to_string(max_frame_));
    }
    if (buffered() < header_size + n) return result::need_more;
    const char* begin = buf_.data() + pos_ + header_size;
    json_input in = parse_json_input(std::string_view(begin, n));  // depth-checked: frames are untrusted
    pos_ += header_size + n;
    if (pos_ == buf_.size()) {
        buf_.clear();
        pos_ = 0;
    }
    if (!in.ok) return fail(in.too_deep ? "frame refused: " + in.error : "frame is not valid JSON");
    json parsed = std::move(in.value);
    if (!parsed.is_object() || !parsed.contains("t") || !parsed["t"].is_string()) {
        return fail("frame is not a message object with a string \"t\"");
    }
    out = std::move(parsed);
    return result::message;
}

// ---- builders ----

json start_message(const std::string& plugin_path, const std::string& plugin_name, const std::string& id,
                   const json& config, const json& settings) {
    return {{"t", "start"}, {"plugin_path", plugin_path}, {"plugin_name", plugin_name},
            {"id", id},     {"config", config},           {"settings", settings}};
}

json command_message(std::uint64_t command_id, const std::string& device, const std::string& body) {
    return {{"t", "command"}, {"id", command_id}, {"device", device}, {"body", body}};
}

json refresh_message(const std::string& device) { return {{"t", "refresh"}, {"device", device}}; }

json stop_message(std::int64_t budget_ms) { return {{"t", "stop"}, {"budget_ms", budget_ms}}; }

json hello_message(const std::string& plugin, const std::string& version, std::int64_t pid, const json& sandbox) {
    json m = {{"t", "hello"}, {"plugin", plugin}, {"version", version}, {"pid", pid}};
    if (!sandbox.is_null()) m["sandbox"] = sandbox;
    return m;
}

json device_registered_message(const json& descriptor) {
    return {{"t", "device_registered"}, {"descriptor", descriptor}};
}

json device_removed_message(const std::string& device) { return {{"t", "device_removed"}, {"device", device}}; }

json state_message(const std::string& device, const json& state) {
    return {{"t", "state"}, {"device", device}, {"state", state}};
}

json event_message(const std::string& device, const json& event) {
    return {{"t", "event"}, {"device", device}, {"event", event}};
}

json availability_message(const std::string& device, bool online) {
    return {{"t", "availability"}, {"device", device}, {"online", online}};
}

json command_done_message(std::uint64_t command_id, int status, const std::string& message) {
    return {{"t", "command_done"}, {"id", command_id}, {"status", status}, {"message", message}};
}

json ready_message() { return {{"t", "ready"}}; }

json failed_message(const std::string& reason, bool fatal) {
    return {{"t", "failed"}, {"reason", reason}, {"fatal", fatal}};
}

json heartbeat_message(std::int64_t ts_ms, const json& stats) {
    return {{"t", "heartbeat"}, {"ts", ts_ms}, {"stats", stats}};
}

}  // namespace hearth::wire
