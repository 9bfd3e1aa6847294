// Role: the little XML the ISAPI camera driver needs, read and written by hand: tag text
// extraction that tolerates namespaces prefixes, attributes and whitespace, the
// EventNotificationAlert of the alert stream, PrivacyMask and ResponseStatus documents, plus
// base64 encoding of snapshots. Pure functions, no I/O, no XML library.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace hearth::isapi {

/// Text content of the first element whose local name is `name` (any namespace prefix, any
/// attributes), with surrounding whitespace trimmed and the five predefined entities decoded.
/// nullopt if there is no such element; "" for an empty or self-closing one.
std::optional<std::string> xml_tag_text(std::string_view xml, std::string_view name);

/// One EventNotificationAlert of the alert stream.
struct alert {
    std::string event_type;   ///< as sent, e.g. "VMD", "IO", "videoloss"
    bool active = false;      ///< eventState "active"
    int channel = 0;          ///< channelID (or dynChannelID); 0 when absent
    std::string date_time;    ///< dateTime as sent (ISO 8601), may be empty
    std::string description;  ///< eventDescription, may be empty
};

/// Parses an EventNotificationAlert document; nullopt if it is not one or has no eventType.
std::optional<alert> parse_alert(std::string_view xml);

/// Reads `<enabled>` of a PrivacyMask document; nullopt if absent or not true/false.
std::optional<bool> parse_privacy_enabled(std::string_view xml);

/// The PrivacyMask document the driver PUTs.
std::string privacy_mask_xml(bool enabled);

/// The outcome of an ISAPI ResponseStatus document (returned by PUT requests).
struct response_status {
    int status_code = 0;  ///< 1 = OK; 2..7 device busy/not ready/invalid/... per ISAPI
    std::string status_string;
    std::string sub_status_code;
};

/// Parses a ResponseStatus document; nullopt if it is not one.
std::optional<response_status> parse_response_status(std::string_view xml);

/// Standard base64 (RFC 4648, with padding).
std::string base64_encode(std::span<const std::uint8_t> bytes);

}  // namespace hearth::isapi
