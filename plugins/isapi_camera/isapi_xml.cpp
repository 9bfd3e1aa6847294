// Role: implementation of isapi_xml.hpp: a forward scan for start tags by local name, then the
// matching end tag; good enough for the flat, machine-written documents cameras send.
#include "isapi_xml.hpp"

#include <cctype>
#include <charconv>

namespace hearth::isapi {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool ieq(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

/// The whole of `text` as a positive integer, or nullopt.
std::optional<int> positive_int(std::string_view text) {
    int n = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || ptr != text.data() + text.size() || n <= 0) return std::nullopt;
    return n;
}

bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ':';
}

std::string_view local_name(std::string_view qname) {
    const std::size_t colon = qname.rfind(':');
    return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::string decode_entities(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            out.push_back(s[i]);
            continue;
        }
        static constexpr std::pair<std::string_view, char> k_entities[] = {
            {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
        bool done = false;
        for (const auto& [text, c] : k_entities) {
            if (s.substr(i, text.size()) == text) {
                out.push_back(c);
                i += text.size() - 1;
                done = true;
                break;
            }
        }
        if (!done) out.push_back('&');
    }
    return out;
}

}  // namespace

std::optional<std::string> xml_tag_text(std::string_view xml, std::string_view name) {
    std::size_t p = 0;
    while ((p = xml.find('<', p)) != std::string_view::npos) {
        std::size_t q = p + 1;
        while (q < xml.size() && name_char(xml[q])) ++q;
        const std::string_view qname = xml.substr(p + 1, q - p - 1);
        if (qname.empty() || local_name(qname) != name) {
            p = q;
            continue;
        }
        const std::size_t gt = xml.find('>', q);
        if (gt == std::string_view::npos) return std::nullopt;
        if (xml[gt - 1] == '/') return std::string();  // <name/>
        const std::size_t content = gt + 1;
        // The matching end tag: "</" + same qualified name, optional whitespace, ">".
        std::size_t e = content;
        while ((e = xml.find("</", e)) != std::string_view::npos) {
            std::size_t f = e + 2;
            while (f < xml.size() && name_char(xml[f])) ++f;
            if (local_name(xml.substr(e + 2, f - e - 2)) == name) {
                return decode_entities(trim(xml.substr(content, e - content)));
            }
            e = f;
        }
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<alert> parse_alert(std::string_view xml) {
    if (xml.find("EventNotificationAlert") == std::string_view::npos) return std::nullopt;
    auto type = xml_tag_text(xml, "eventType");
    if (!type || type->empty()) return std::nullopt;
    alert a;
    a.event_type = *type;
    a.active = ieq(xml_tag_text(xml, "eventState").value_or(""), "active");
    auto channel = xml_tag_text(xml, "channelID");
    if (!channel) channel = xml_tag_text(xml, "dynChannelID");
    if (channel) {
        if (auto n = positive_int(*channel)) a.channel = *n;
    }
    a.date_time = xml_tag_text(xml, "dateTime").value_or("");
    a.description = xml_tag_text(xml, "eventDescription").value_or("");
    return a;
}

std::optional<bool> parse_privacy_enabled(std::string_view xml) {
    const auto v = xml_tag_text(xml, "enabled");
    if (!v) return std::nullopt;
    if (ieq(*v, "true") || *v == "1") return true;
    if (ieq(*v, "false") || *v == "0") return false;
    return std::nullopt;
}

std::string privacy_mask_xml(bool enabled) {
    return std::string(
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<PrivacyMask version=\"2.0\" xmlns=\"http://www.isapi.org/ver20/XMLSchema\">"
               "<enabled>") +
           (enabled ? "true" : "false") + "</enabled></PrivacyMask>\n";
}

std::optional<response_status> parse_response_status(std::string_view xml) {
    if (xml.find("ResponseStatus") == std::string_view::npos) return std::nullopt;
    response_status r;
    const std::string code = xml_tag_text(xml, "statusCode").value_or("");
    const auto [ptr, ec] = std::from_chars(code.data(), code.data() + code.size(), r.status_code);
    if (ec != std::errc() || ptr != code.data() + code.size()) return std::nullopt;
    r.status_string = xml_tag_text(xml, "statusString").value_or("");
    r.sub_status_code = xml_tag_text(xml, "subStatusCode").value_or("");
    return r;
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
    static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
        out += {k_alphabet[v >> 18], k_alphabet[(v >> 12) & 63], k_alphabet[(v >> 6) & 63], k_alphabet[v & 63]};
    }
    if (i + 1 == bytes.size()) {
        const std::uint32_t v = std::uint32_t{bytes[i]} << 16;
        out += {k_alphabet[v >> 18], k_alphabet[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == bytes.size()) {
        const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
        out += {k_alphabet[v >> 18], k_alphabet[(v >> 12) & 63], k_alphabet[(v >> 6) & 63], '='};
    }
    return out;
}

}  // namespace hearth::isapi
