// Role: the ESPHome native API message type ids (carried in the frame header) for the messages
// of esphome_api.proto, and checked protobuf (de)serialisation helpers: parse() never throws and
// refuses what the lite runtime refuses (truncated fields, bad wire types, invalid UTF-8 in
// strings), so device bytes go straight in.
#pragma once

#include "esphome_api.pb.h"
#include "esphome_frame.hpp"

#include <optional>
#include <span>
#include <string>

namespace hearth::esphome {

namespace msg {
inline constexpr std::uint32_t hello_request = 1;
inline constexpr std::uint32_t hello_response = 2;
inline constexpr std::uint32_t connect_request = 3;
inline constexpr std::uint32_t connect_response = 4;
inline constexpr std::uint32_t disconnect_request = 5;
inline constexpr std::uint32_t disconnect_response = 6;
inline constexpr std::uint32_t ping_request = 7;
inline constexpr std::uint32_t ping_response = 8;
inline constexpr std::uint32_t device_info_request = 9;
inline constexpr std::uint32_t device_info_response = 10;
inline constexpr std::uint32_t list_entities_request = 11;
inline constexpr std::uint32_t list_binary_sensor = 12;
inline constexpr std::uint32_t list_cover = 13;
inline constexpr std::uint32_t list_light = 15;
inline constexpr std::uint32_t list_sensor = 16;
inline constexpr std::uint32_t list_switch = 17;
inline constexpr std::uint32_t list_done = 19;
inline constexpr std::uint32_t subscribe_states_request = 20;
inline constexpr std::uint32_t binary_sensor_state = 21;
inline constexpr std::uint32_t cover_state = 22;
inline constexpr std::uint32_t light_state = 24;
inline constexpr std::uint32_t sensor_state = 25;
inline constexpr std::uint32_t switch_state = 26;
inline constexpr std::uint32_t cover_command = 30;
inline constexpr std::uint32_t light_command = 32;
inline constexpr std::uint32_t switch_command = 33;
inline constexpr std::uint32_t get_time_request = 36;
inline constexpr std::uint32_t get_time_response = 37;
inline constexpr std::uint32_t list_climate = 46;
inline constexpr std::uint32_t climate_state = 47;
inline constexpr std::uint32_t climate_command = 48;
inline constexpr std::uint32_t list_lock = 58;
inline constexpr std::uint32_t lock_state = 59;
inline constexpr std::uint32_t lock_command = 60;
inline constexpr std::uint32_t list_button = 61;
inline constexpr std::uint32_t button_command = 62;
}  // namespace msg

/// The API version Hearth's client announces and the simulator answers with.
inline constexpr std::uint32_t k_api_major = 1;
inline constexpr std::uint32_t k_api_minor = 10;

/// The wire bytes of a message.
template <class Message>
bytes serialize(const Message& m) {
    std::string s;
    m.SerializeToString(&s);
    return {s.begin(), s.end()};
}

/// A message parsed from untrusted bytes; nothing when malformed.
template <class Message>
std::optional<Message> parse(std::span<const std::uint8_t> payload) {
    if (payload.size() > k_max_plain_payload) return std::nullopt;
    Message m;
    if (!m.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return std::nullopt;
    return m;
}

}  // namespace hearth::esphome
