// Role: implementation of miio_client: a FIFO of calls, each a chain of callbacks (hello,
// request, receive until the deadline) on one kit::udp_socket.
#include "miio_client.hpp"

#include <boost/asio/ip/udp.hpp>

namespace hearth::miio {

namespace {

constexpr const char* k_rejects = " answers but rejects the token (check 'token')";
using nlohmann::json;

/// The "result" of a decrypted reply to `method`, or its error.
kit::result<json> parse_reply(const std::string& method, const std::string& text) {
    const auto j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return kit::net_error{status::device_error, method + ": the device's reply is not a JSON object"};
    if (!j.contains("error")) return j.contains("result") ? j["result"] : j;
    const json e = j["error"].is_object() ? j["error"] : json::object();
    const int code = e.contains("code") && e["code"].is_number_integer() ? e["code"].get<int>() : 0;
    const std::string msg =
        e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>() : "error";
    return kit::net_error{status::device_error, method + ": device error " + std::to_string(code) + " (" + msg + ")"};
}

}  // namespace

std::string client_stats::summary() const {
    return std::to_string(requests) + " requests, " + std::to_string(timeouts) + " timeouts, " +
           std::to_string(token_rejections) + " token rejections, " + std::to_string(garbage) + " undecodable and " +
           std::to_string(stale) + " stale replies";
}

bool is_token_rejection(const kit::net_error& e) { return e.message.find(k_rejects) != std::string::npos; }

miio_client::miio_client(boost::asio::io_context& io, client_options opts)
    : io_(io), opts_(std::move(opts)), socket_(io) {}

void miio_client::call(std::string method, json params, reply_fn done) {
    if (closed_) return;
    queue_.push_back(job{std::move(method), std::move(params), std::move(done)});
    if (!busy_) start();
}

void miio_client::close() {
    closed_ = true;
    queue_.clear();
    socket_.close();
}

void miio_client::start() {
    busy_ = true;
    job& j = queue_.front();
    ++stats_.requests;
    j.garbage_before = stats_.garbage;
    if (address_.empty()) {  // a name lookup blocks this driver's io thread only
        boost::asio::ip::udp::resolver resolver(io_);
        boost::system::error_code ec;
        const auto found = resolver.resolve(boost::asio::ip::udp::v4(), opts_.host, std::to_string(opts_.port), ec);
        if (ec || found.empty())
            return finish(kit::net_error{status::offline, j.method + ": cannot resolve " + opts_.host});
        address_ = found.begin()->endpoint().address().to_string();
    }
    attempt();
}

void miio_client::attempt() {
    if (queue_.front().attempts++ > opts_.retries) return give_up();
    if (!need_hello_) return request();
    ++stats_.handshakes;
    const bytes hello = hello_frame();
    socket_.send_to(address_, opts_.port, std::string(hello.begin(), hello.end()));  // a failure shows as a timeout
    receive_until(
        clock::now() + opts_.timeout,
        [this](const bytes& d) {
            const auto h = parse_hello_reply(d);
            if (!h) {
                ++stats_.stale;  // a late reply to an earlier request
                return false;
            }
            device_id_ = h->device_id;
            device_stamp_ = h->stamp;
            hello_at_ = clock::now();
            need_hello_ = false;
            ++queue_.front().hellos;
            request();
            return true;
        },
        [this] {
            ++stats_.timeouts;
            attempt();
        });
}

void miio_client::request() {
    const job& j = queue_.front();
    const std::int64_t id = next_id_++;
    if (next_id_ > 999'999) next_id_ = 1;
    const json rpc = {{"id", id}, {"method", j.method}, {"params", j.params}};
    const auto since_hello = std::chrono::duration_cast<std::chrono::seconds>(clock::now() - hello_at_).count();
    const bytes frame = encode_frame(opts_.token, device_id_, device_stamp_ + static_cast<std::uint32_t>(since_hello),
                                     rpc.dump(-1, ' ', false, json::error_handler_t::replace));
    socket_.send_to(address_, opts_.port, std::string(frame.begin(), frame.end()));
    receive_until(
        clock::now() + opts_.timeout,
        [this, id](const bytes& d) {
            const classified_reply r = classify_reply(opts_.token, d, id);
            if (r.kind == reply_kind::garbage) {
                ++stats_.garbage;
                last_garbage_ = r.detail;
                return false;
            }
            queue_.front().decrypted = token_proven_ = true;
            if (r.kind == reply_kind::stale) {
                ++stats_.stale;
                return false;
            }
            finish(parse_reply(queue_.front().method, r.json_text));
            return true;
        },
        [this] {
            ++stats_.timeouts;
            need_hello_ = true;  // re-handshake before the next attempt (the device may have rebooted)
            attempt();
        });
}

void miio_client::give_up() {
    const job& j = queue_.front();
    const std::string where = opts_.host + ":" + std::to_string(opts_.port);
    const bool undecodable = stats_.garbage != j.garbage_before;
    // The device answered the hello but nothing it sent decrypted with our token: it ignored our
    // frames (a device drops requests whose checksum does not match its token) or its replies did
    // not decrypt. Once the token has worked on this client, that is a timeout instead (a busy,
    // rebooting or garbling device).
    if (j.hellos > 0 && !j.decrypted && !token_proven_) {
        ++stats_.token_rejections;
        std::string why = j.method + ": the device at " + where + k_rejects;
        if (undecodable) why += "; its replies did not decrypt: " + last_garbage_;
        return finish(kit::net_error{status::device_error, why});
    }
    std::string why =
        j.method + ": no valid reply from " + where + " after " + std::to_string(j.attempts - 1) + " attempt(s)";
    if (undecodable) why += " (replies did not decrypt: " + last_garbage_ + ")";
    finish(kit::net_error{status::timeout, why});
}

void miio_client::finish(kit::result<json> r) {
    const reply_fn done = std::move(queue_.front().done);
    queue_.pop_front();
    busy_ = false;
    done(std::move(r));  // may queue the next call (and start it)
    if (!busy_ && !closed_ && !queue_.empty()) start();
}

void miio_client::receive_until(clock::time_point deadline, const std::function<bool(const bytes&)>& take,
                                const std::function<void()>& expired) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
    if (left.count() <= 0) return expired();
    socket_.receive(left, [this, deadline, take, expired](kit::result<kit::datagram> d) {
        if (!d) return expired();                                        // the timeout (a socket error counts as one)
        const bool ours = d->host == address_ && d->port == opts_.port;  // not another sender's
        if (!ours || !take(bytes(d->data.begin(), d->data.end()))) receive_until(deadline, take, expired);
    });
}

}  // namespace hearth::miio
