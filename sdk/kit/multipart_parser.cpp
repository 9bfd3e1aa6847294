// Role: implementation of multipart_parser.hpp: a small state machine over an internal buffer
// that is compacted as parts are consumed, so memory stays bounded by max_part_bytes.
#include <hearth/kit/multipart_parser.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace hearth::kit {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
    const std::string ct = lower(content_type);
    if (trim(ct).rfind("multipart/", 0) != 0) return std::nullopt;
    std::size_t p = ct.find("boundary=");
    while (p != std::string::npos && p > 0 && ct[p - 1] != ';' && ct[p - 1] != ' ' && ct[p - 1] != '\t')
        p = ct.find("boundary=", p + 1);
    if (p == std::string::npos) return std::nullopt;
    std::string_view v = content_type.substr(p + 9);  // original case: boundaries are case-sensitive
    if (!v.empty() && v.front() == '"') {
        v.remove_prefix(1);
        v = v.substr(0, v.find('"'));
    } else {
        v = trim(v.substr(0, v.find(';')));
    }
    if (v.empty()) return std::nullopt;
    return std::string(v);
}

multipart_parser::multipart_parser(std::string boundary, std::size_t max_part_bytes)
    : boundary_("--" + std::move(boundary)), max_part_(max_part_bytes) {}

void multipart_parser::feed(std::string_view data, std::vector<multipart_part>& out) {
    buffer_.append(data);
    while (step(out)) {}
    compact();
}

std::optional<std::string_view> multipart_parser::next_line() {
    const std::size_t nl = buffer_.find('\n', pos_);
    if (nl == std::string::npos) return std::nullopt;
    std::string_view line(buffer_.data() + pos_, nl - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = nl + 1;
    return line;
}

bool multipart_parser::is_boundary_line(std::string_view line, bool& closing) const {
    if (line.substr(0, boundary_.size()) != boundary_) return false;
    std::string_view rest = line.substr(boundary_.size());
    closing = rest.substr(0, 2) == "--";
    if (closing) rest.remove_prefix(2);
    return trim(rest).empty();  // transport padding (spaces) is allowed after the delimiter
}

bool multipart_parser::may_start_boundary_line(std::string_view partial) const {
    if (partial.size() <= boundary_.size()) return boundary_.compare(0, partial.size(), partial) == 0;
    if (partial.substr(0, boundary_.size()) != boundary_) return false;
    std::string_view rest = partial.substr(boundary_.size());
    if (rest == "-") return true;  // the start of a closing "--"
    if (rest.substr(0, 2) == "--") rest.remove_prefix(2);
    return trim(rest).empty();
}

void multipart_parser::skip_to_boundary(std::size_t dropped) {
    discarded_ += dropped;
    current_ = {};
    header_bytes_ = 0;
    state_ = state::seek_boundary;
}

bool multipart_parser::step(std::vector<multipart_part>& out) {
    switch (state_) {
    case state::seek_boundary: {
        const std::size_t start = pos_;
        auto line = next_line();
        if (!line) {
            // No complete line: keep it while it may still become a delimiter line (whatever the
            // read boundaries: a delimiter followed by transport padding can be long). Once it
            // cannot, drop it, and drop the rest of that line when it arrives: the tail of a junk
            // line must not pass for a delimiter line.
            const std::string_view pending(buffer_.data() + pos_, buffer_.size() - pos_);
            if (skipping_line_ || pending.size() > max_part_ || !may_start_boundary_line(pending)) {
                discarded_ += pending.size();
                pos_ = buffer_.size();
                skipping_line_ = true;
            }
            return false;
        }
        if (skipping_line_) {
            skipping_line_ = false;
            discarded_ += pos_ - start;
            return true;
        }
        bool closing = false;
        if (is_boundary_line(*line, closing)) {
            if (closing)
                closed_ = true;
            else
                state_ = state::headers;
        } else if (!line->empty()) {  // the CRLF ending a body before its delimiter is not junk
            discarded_ += pos_ - start;
        }
        return true;
    }
    case state::headers: {
        const std::size_t start = pos_;
        auto line = next_line();
        if (!line) {
            if (header_bytes_ + (buffer_.size() - pos_) > max_part_) skip_to_boundary(buffer_.size() - pos_);
            return false;
        }
        header_bytes_ += pos_ - start;
        bool closing = false;
        if (is_boundary_line(*line, closing)) {  // empty part without a blank line: restart
            discarded_ += header_bytes_;
            current_ = {};
            header_bytes_ = 0;
            if (closing) {
                closed_ = true;
                state_ = state::seek_boundary;
            }
            return true;
        }
        if (header_bytes_ > max_part_) {
            skip_to_boundary(header_bytes_);
            return true;
        }
        if (line->empty()) {  // end of the header block
            state_ = state::body_by_delimiter;
            search_from_ = pos_;
            if (auto it = current_.headers.find("content-length"); it != current_.headers.end()) {
                std::size_t n = 0;
                const std::string& v = it->second;
                const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
                if (ec == std::errc() && ptr == v.data() + v.size() && n <= max_part_) {
                    content_length_ = n;
                    state_ = state::body_by_length;
                }
            }
            return true;
        }
        const std::size_t colon = line->find(':');
        if (colon == std::string_view::npos || colon == 0) {
            skip_to_boundary(header_bytes_);  // not a header: the part is garbage
            return true;
        }
        current_.headers[lower(trim(line->substr(0, colon)))] = std::string(trim(line->substr(colon + 1)));
        return true;
    }
    case state::body_by_length: {
        if (buffer_.size() - pos_ < content_length_) return false;
        current_.body.assign(buffer_, pos_, content_length_);
        pos_ += content_length_;
        out.push_back(std::move(current_));
        current_ = {};
        header_bytes_ = 0;
        state_ = state::seek_boundary;  // skips the CRLF (or junk) before the next delimiter
        return true;
    }
    case state::body_by_delimiter: {
        // An empty body directly followed by the delimiter line.
        if (std::string_view(buffer_).substr(pos_, boundary_.size()) == boundary_) {
            out.push_back(std::move(current_));
            current_ = {};
            header_bytes_ = 0;
            state_ = state::seek_boundary;
            return true;
        }
        const std::string needle = "\n" + boundary_;
        const std::size_t hit = buffer_.find(needle, std::max(search_from_, pos_));
        if (hit == std::string::npos) {
            if (buffer_.size() - pos_ > max_part_) {
                const std::size_t drop = buffer_.size() - pos_ - needle.size();
                pos_ += drop;
                skip_to_boundary(drop + header_bytes_);
                return true;
            }
            search_from_ = buffer_.size() >= needle.size() ? buffer_.size() - needle.size() + 1 : 0;
            return false;
        }
        std::size_t end = hit;
        if (end > pos_ && buffer_[end - 1] == '\r') --end;
        const std::size_t start = pos_;
        pos_ = hit + 1;  // the delimiter line itself is read by seek_boundary
        if (end - start > max_part_) {
            skip_to_boundary(pos_ - start + header_bytes_);
            return true;
        }
        current_.body.assign(buffer_, start, end - start);
        out.push_back(std::move(current_));
        current_ = {};
        header_bytes_ = 0;
        state_ = state::seek_boundary;
        return true;
    }
    }
    return false;
}

void multipart_parser::compact() {
    if (pos_ == 0) return;
    buffer_.erase(0, pos_);
    search_from_ = search_from_ > pos_ ? search_from_ - pos_ : 0;
    pos_ = 0;
}

}  // namespace hearth::kit
