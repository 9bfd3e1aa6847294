// Role: implementation of the Tuya device connection (tuya_link.hpp).
#include "tuya_link.hpp"

namespace hearth::tuya {

namespace asio = boost::asio;

link::link(asio::io_context& io, link_options options)
    : io_(io),
      opt_(std::move(options)),
      where_(opt_.host + ":" + std::to_string(opt_.port)),
      conn_(io, kit::stream_options{.host = opt_.host, .port = opt_.port, .connect_timeout = opt_.timeout}),
      ch_(opt_.version, opt_.local_key),
      reply_timer_(io),
      heartbeat_timer_(io) {
    conn_.on_data([this](const std::vector<std::uint8_t>& chunk) { on_data(chunk); });
    conn_.on_closed([this](const kit::net_error& e) { fail(e); });
}

link::~link() { close(); }

void link::open() {
    close();
    state_ = state::connecting;
    conn_.connect([this](std::optional<kit::net_error> e) {
        if (e) return fail(*e);
        ++stats_.connects;
        if (opt_.version == protocol_version::v33) {
            state_ = state::ready;
            verified_ = false;
            schedule_heartbeat();
            if (on_up_) on_up_();
            return;
        }
        state_ = state::negotiating;
        local_nonce_ = random_nonce();
        write(cmd::sess_key_neg_start, bytes(local_nonce_.begin(), local_nonce_.end()));
        arm_reply_deadline();
    });
}

void link::close() {
    ++generation_;
    conn_.close();
    reply_timer_.cancel();
    heartbeat_timer_.cancel();
    ch_.clear_session();
    pending_.clear();
    awaiting_ = false;
    state_ = state::idle;
}

bool link::send(std::uint32_t command, const std::string& payload) {
    if (state_ != state::ready) return false;
    write(command, bytes(payload.begin(), payload.end()));
    arm_reply_deadline();
    return true;
}

void link::write(std::uint32_t command, const bytes& payload) {
    message m;
    m.seq = ++seq_;
    m.cmd = command;
    m.payload = payload;
    ++stats_.frames_out;
    conn_.send(ch_.encode(m));
}

void link::arm_reply_deadline() {
    if (awaiting_) return;  // the oldest unanswered request sets the deadline
    awaiting_ = true;
    reply_timer_.expires_after(opt_.timeout);
    reply_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        ++stats_.timeouts;
        fail({status::timeout, where_ + " sent no valid reply within " + std::to_string(opt_.timeout.count()) + " ms"});
    });
}

void link::schedule_heartbeat() {
    heartbeat_timer_.expires_after(opt_.heartbeat);
    heartbeat_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || state_ != state::ready) return;
        send(cmd::heart_beat, opt_.heartbeat_payload);
        schedule_heartbeat();
    });
}

void link::fail(const kit::net_error& why) {
    if (state_ == state::idle) return;
    // A copy on purpose: `why` may live in a callback that close() ends.
    const kit::net_error reason = why;  // NOLINT(performance-unnecessary-copy-initialization)
    close();
    if (on_down_) on_down_(reason);
}

void link::on_data(const std::vector<std::uint8_t>& chunk) {
    pending_.insert(pending_.end(), chunk.begin(), chunk.end());
    const std::uint64_t generation = generation_;
    for (;;) {
        const split_result split = next_frame(pending_);
        if (split.size == 0) {
            if (split.error != frame_error::incomplete) {
                fail({status::invalid, where_ + " sent an unframeable stream (" + std::string(describe(split.error)) +
                                           "); connection closed"});
            }
            return;
        }
        const bytes frame_bytes(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(split.size));
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(split.size));
        on_frame(frame_bytes);
        if (generation != generation_) return;  // closed or reopened by a callback
    }
}

void link::on_frame(std::span<const std::uint8_t> frame_bytes) {
    ++stats_.frames_in;
    const message_result r = ch_.decode(frame_bytes, true);
    if (!r.value) {
        ++stats_.refused;
        if (state_ == state::negotiating)
            return fail({status::device_error, "session key negotiation with " + where_ + " failed: " + r.error});
        if (on_refused_) on_refused_(r.error);
        return;
    }
    if (state_ == state::negotiating) {
        if (r.value->cmd == cmd::sess_key_neg_resp) negotiated(*r.value);
        return;  // anything else before the session key is ignored
    }
    if (!verified_) {
        // 3.3 has no negotiation and a keyless CRC: an empty acknowledgement proves nothing
        // about the key; the first payload that decrypts does.
        if (r.value->payload.empty()) return;
        verified_ = true;
    }
    awaiting_ = false;
    reply_timer_.cancel();
    if (on_message_) on_message_(*r.value);
}

void link::negotiated(const message& m) {
    const auto remote = check_neg_resp(opt_.local_key, local_nonce_, m.payload);
    if (!remote) {
        return fail({status::device_error, "session key negotiation with " + where_ +
                                               " failed: the device does not prove the local key (wrong local_key?)"});
    }
    const auto finish = neg_finish_payload(opt_.local_key, *remote);
    write(cmd::sess_key_neg_finish, bytes(finish.begin(), finish.end()));
    ch_.set_session_key(derive_session_key(opt_.version, opt_.local_key, local_nonce_, *remote));
    verified_ = true;  // the device proved the key with its HMAC
    awaiting_ = false;
    reply_timer_.cancel();
    state_ = state::ready;
    schedule_heartbeat();
    if (on_up_) on_up_();
}

}  // namespace hearth::tuya
