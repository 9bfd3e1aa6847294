// Role: implementation of the ESPHome node connection (esphome_link.hpp).
#include "esphome_link.hpp"

namespace hearth::esphome {

namespace asio = boost::asio;

namespace {

/// The most entity descriptions one listing may carry (a node has tens).
constexpr std::size_t k_max_entities = 1000;

}  // namespace

link::link(asio::io_context& io, link_options options)
    : opt_(std::move(options)),
      where_(opt_.host + ":" + std::to_string(opt_.port)),
      conn_(io, kit::stream_options{.host = opt_.host, .port = opt_.port, .connect_timeout = opt_.timeout}),
      reply_timer_(io),
      ping_timer_(io) {
    conn_.on_data([this](const std::vector<std::uint8_t>& chunk) { on_data(chunk); });
    conn_.on_closed([this](const kit::net_error& e) {
        if (state_ == state::handshake) {
            return fail({status::device_error, where_ + " closed the connection during the Noise handshake (does the "
                                                        "node use API encryption?)"});
        }
        fail(e);
    });
}

link::~link() { close(); }

void link::open() {
    close();
    state_ = state::connecting;
    session_ = std::make_unique<session>(session::role::client, opt_.psk);
    conn_.connect([this](std::optional<kit::net_error> e) {
        if (e) return fail(*e);
        ++stats_.connects;
        if (opt_.psk) {
            state_ = state::handshake;
            conn_.send(session_->start());
            arm_reply_deadline();
            return;
        }
        pb::HelloRequest h;
        h.set_client_info(opt_.client_info);
        h.set_api_version_major(k_api_major);
        h.set_api_version_minor(k_api_minor);
        request(msg::hello_request, serialize(h), state::hello);
    });
}

void link::close() {
    ++generation_;
    if (state_ == state::subscribed) write(msg::disconnect_request, {});
    conn_.close();
    reply_timer_.cancel();
    ping_timer_.cancel();
    awaiting_ = false;
    entities_.clear();
    state_ = state::idle;
}

bool link::send(std::uint32_t type, const bytes& payload) {
    if (state_ != state::subscribed) return false;
    write(type, payload);
    return true;
}

void link::write(std::uint32_t type, const bytes& payload) {
    bytes frame = session_ ? session_->encode(type, payload) : bytes{};
    if (frame.empty()) return;
    ++stats_.messages_out;
    conn_.send(std::move(frame));
}

void link::request(std::uint32_t type, const bytes& payload, state next) {
    state_ = next;
    write(type, payload);
    arm_reply_deadline();
}

void link::arm_reply_deadline() {
    if (awaiting_) return;  // the oldest unanswered request sets the deadline
    awaiting_ = true;
    reply_timer_.expires_after(opt_.timeout);
    reply_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        ++stats_.timeouts;
        fail({status::timeout, where_ + " sent no reply within " + std::to_string(opt_.timeout.count()) + " ms"});
    });
}

void link::schedule_ping() {
    ping_timer_.expires_after(opt_.ping);
    ping_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || state_ != state::subscribed) return;
        write(msg::ping_request, {});
        arm_reply_deadline();
        schedule_ping();
    });
}

void link::fail(const kit::net_error& why) {
    if (state_ == state::idle) return;
    const kit::net_error reason = why;  // NOLINT(performance-unnecessary-copy-initialization): `why` may die in close()
    state_ = state::connecting;         // no DisconnectRequest on a failed connection
    close();
    if (on_down_) on_down_(reason);
}

void link::on_data(const std::vector<std::uint8_t>& chunk) {
    if (!session_) return;
    const std::uint64_t generation = generation_;
    feed_result r = session_->feed(chunk);
    if (!r.reply.empty()) conn_.send(std::move(r.reply));
    if (r.became_ready) {
        pb::HelloRequest h;
        h.set_client_info(opt_.client_info);
        h.set_api_version_major(k_api_major);
        h.set_api_version_minor(k_api_minor);
        awaiting_ = false;
        reply_timer_.cancel();
        request(msg::hello_request, serialize(h), state::hello);
    }
    for (const auto& m : r.messages) {
        ++stats_.messages_in;
        awaiting_ = false;
        reply_timer_.cancel();
        on_api(m);
        if (generation != generation_) return;  // closed or reopened by a callback
    }
    if (r.error != session_error::none) {
        const bool key_problem =
            r.error == session_error::handshake_rejected || r.error == session_error::handshake_failed ||
            r.error == session_error::requires_encryption || r.error == session_error::not_encrypted;
        fail({key_problem ? status::device_error : status::invalid, where_ + ": " + r.detail});
    }
}

void link::on_api(const api_message& m) {
    switch (m.type) {
    case msg::ping_request: write(msg::ping_response, {}); return;
    case msg::ping_response: return;
    case msg::disconnect_request:
        write(msg::disconnect_response, {});
        return fail({status::offline, where_ + " closed the API connection (DisconnectRequest)"});
    case msg::get_time_request: return;
    default: break;
    }
    switch (state_) {
    case state::hello: {
        if (m.type != msg::hello_response) return;
        const auto h = parse<pb::HelloResponse>(m.payload);
        if (!h) return fail({status::invalid, where_ + " sent an unparsable HelloResponse"});
        if (h->api_version_major() != k_api_major) {
            return fail({status::device_error, where_ + " speaks API " + std::to_string(h->api_version_major()) + "." +
                                                   std::to_string(h->api_version_minor()) + "; Hearth speaks 1.x"});
        }
        // API < 1.12 always expects Connect; newer nodes need it only for a password.
        if (!opt_.password.empty() || h->api_version_minor() < 12) {
            pb::ConnectRequest c;
            c.set_password(opt_.password);
            return request(msg::connect_request, serialize(c), state::connect);
        }
        return request(msg::device_info_request, {}, state::info);
    }
    case state::connect: {
        if (m.type != msg::connect_response) return;
        const auto c = parse<pb::ConnectResponse>(m.payload);
        if (!c) return fail({status::invalid, where_ + " sent an unparsable ConnectResponse"});
        if (c->invalid_password())
            return fail({status::device_error, where_ + " refused the API password (invalid_password)"});
        return request(msg::device_info_request, {}, state::info);
    }
    case state::info: {
        if (m.type != msg::device_info_response) return;
        const auto d = parse<pb::DeviceInfoResponse>(m.payload);
        if (!d) return fail({status::invalid, where_ + " sent an unparsable DeviceInfoResponse"});
        info_ = *d;
        entities_.clear();
        return request(msg::list_entities_request, {}, state::listing);
    }
    case state::listing: {
        if (m.type == msg::list_done) {
            state_ = state::subscribed;
            const std::uint64_t generation = generation_;
            if (on_listed_) on_listed_(info_, entities_);
            if (generation != generation_) return;
            entities_.clear();
            write(msg::subscribe_states_request, {});
            schedule_ping();
            return;
        }
        if (entities_.size() >= k_max_entities) {
            return fail(
                {status::invalid, where_ + " listed more than " + std::to_string(k_max_entities) + " entities"});
        }
        entities_.push_back(m);
        arm_reply_deadline();  // the listing goes on until ListEntitiesDone
        return;
    }
    case state::subscribed:
        if (on_message_) on_message_(m);
        return;
    default: return;
    }
}

}  // namespace hearth::esphome
