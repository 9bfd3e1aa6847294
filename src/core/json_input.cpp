// Depth-checked parsing and safe echoing of untrusted text (see json_input.hpp).
#include "core/json_input.hpp"

#include <exception>

namespace hearth {

using json = nlohmann::json;

namespace {

/// nlohmann's DOM builder with a nesting limit: returning false from start_object/start_array
/// aborts the (iterative) parse at once. Methods hide the base's; sax_parse calls them statically.
class depth_limited_builder : public nlohmann::detail::json_sax_dom_parser<json> {
    using base = nlohmann::detail::json_sax_dom_parser<json>;

public:
    depth_limited_builder(json& out, std::size_t max_depth) : base(out, false), max_depth_(max_depth) {}

    bool start_object(std::size_t n) {
        if (++depth_ > max_depth_) return deep();
        return base::start_object(n);
    }
    bool end_object() {
        --depth_;
        return base::end_object();
    }
    bool start_array(std::size_t n) {
        if (++depth_ > max_depth_) return deep();
        return base::start_array(n);
    }
    bool end_array() {
        --depth_;
        return base::end_array();
    }
    template <class Exception>
    bool parse_error(std::size_t position, const std::string& /*token*/, const Exception& ex) {
        byte_ = position;
        error_ = ex.what();
        failed_ = true;
        return false;
    }

    bool too_deep() const { return too_deep_; }
    bool failed() const { return failed_ || too_deep_; }
    const std::string& error() const { return error_; }
    std::size_t byte() const { return byte_; }

private:
    bool deep() {
        too_deep_ = true;
        return false;
    }
    std::size_t max_depth_;
    std::size_t depth_ = 0;
    bool too_deep_ = false;
    bool failed_ = false;
    std::string error_;
    std::size_t byte_ = 0;
};

/// nlohmann's message without the "[json.exception.parse_error.101] " prefix; its "last read"
/// part quotes input bytes, so it goes through valid_utf8().
std::string reason_of(const std::string& what) {
    std::string_view r = what;
    if (r.rfind("[json.exception.", 0) == 0) {
        if (auto end = r.find("] "); end != std::string_view::npos) r.remove_prefix(end + 2);
    }
    return valid_utf8(r);
}

/// Length of the well-formed UTF-8 sequence starting at text[i], or 0 if there is none.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t continuation = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the first continuation byte
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) {
        continuation = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        continuation = 2;
        if (lead == 0xE0) low = 0xA0;   // overlong
        if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        continuation = 3;
        if (lead == 0xF0) low = 0x90;   // overlong
        if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
        return 0;
    }
    if (s.size() - i - 1 < continuation) return 0;
    for (std::size_t k = 1; k <= continuation; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if (b < (k == 1 ? low : 0x80) || b > (k == 1 ? high : 0xBF)) return 0;
    }
    return continuation + 1;
}

}  // namespace

json_input parse_json_input(std::string_view text, std::size_t max_depth) {
    json_input r;
    depth_limited_builder builder(r.value, max_depth);
    bool parsed = false;
    try {
        parsed = json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json, true, false);
    } catch (const std::exception& e) {  // allocation failure, or a path nlohmann reports by throwing
        r.value = nullptr;
        r.error = "invalid JSON: " + reason_of(e.what());
        return r;
    }
    if (builder.too_deep()) {
        r.value = nullptr;
        r.too_deep = true;
        r.error = "JSON nested deeper than " + std::to_string(max_depth) + " levels";
        return r;
    }
    if (!parsed || builder.failed() || r.value.is_discarded()) {
        r.value = nullptr;
        r.byte = builder.byte();
        r.error =
            "invalid JSON: " + (builder.error().empty() ? std::string("syntax error") : reason_of(builder.error()));
        return r;
    }
    r.ok = true;
    return r;
}

bool is_valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8_sequence(text, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string valid_utf8(std::string_view text) {
    if (is_valid_utf8(text)) return std::string(text);
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(text.size() + 16);
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8_sequence(text, i);
        if (n == 0) {
            const auto b = static_cast<unsigned char>(text[i]);
            out += "\\x";
            out += hex[b >> 4];
            out += hex[b & 15];
            ++i;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

std::string echo(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return valid_utf8(text);
    std::size_t cut = max_bytes;
    // Do not split a well-formed multi-byte character: back up over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return valid_utf8(text.substr(0, cut)) + "… (" + std::to_string(text.size()) + " bytes)";
}

std::string echo_json(const json& value, std::size_t max_bytes) {
    return echo(std::string_view(value.dump(-1, ' ', false, json::error_handler_t::replace)), max_bytes);
}

}  // namespace hearth
