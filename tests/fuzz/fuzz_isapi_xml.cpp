// Fuzz target: the camera's XML documents (plugins/isapi_camera/isapi_xml.hpp): alert stream
// parts (EventNotificationAlert), PrivacyMask and ResponseStatus answers, and tag extraction.
// Input: byte 0 picks the tag name for xml_tag_text, the rest is the document. Checks: a
// parsed alert has an event type; extracted text has no surrounding whitespace.
#include "fuzz_support.hpp"
#include "isapi_xml.hpp"

#include <array>
#include <cctype>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    static constexpr std::array<std::string_view, 6> tags = {"eventType", "enabled",          "statusCode",
                                                             "channelID", "eventDescription", "dateTime"};
    hearth::fuzz::input_reader in(data, size);
    const std::string_view tag = tags[in.byte() % tags.size()];
    const std::string_view xml = in.rest();

    if (auto text = hearth::isapi::xml_tag_text(xml, tag); text && !text->empty()) {
        check(!std::isspace(static_cast<unsigned char>(text->front())) &&
                  !std::isspace(static_cast<unsigned char>(text->back())),
              "tag text is not trimmed");
    }
    if (auto alert = hearth::isapi::parse_alert(xml)) check(!alert->event_type.empty(), "an alert without a type");
    (void)hearth::isapi::parse_privacy_enabled(xml);
    (void)hearth::isapi::parse_response_status(xml);
    const std::span<const std::uint8_t> bytes(data, size);
    const std::string encoded = hearth::isapi::base64_encode(bytes);
    check(encoded.size() == (size + 2) / 3 * 4, "base64 length");
    return 0;
}
