// Role: implementation of miio_client: blocking UDP exchange with deadlines on a private
// io_context (async receive + run_until, cancel on timeout), hello handshake and retries.
#include "miio_client.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>

namespace hearth::miio {

namespace asio = boost::asio;
using asio::ip::udp;
using std::chrono::steady_clock;

miio_client::miio_client(client_options opts) : opts_(std::move(opts)), socket_(io_) {}

void miio_client::ensure_open() {
    if (open_) return;
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(opts_.host, ec);
    if (ec) {
        udp::resolver resolver(io_);
        auto results = resolver.resolve(udp::v4(), opts_.host, std::to_string(opts_.port), ec);
        if (ec || results.empty()) throw miio_error(failure::timeout, "cannot resolve " + opts_.host);
        remote_ = *results.begin();
    } else {
        remote_ = udp::endpoint(addr, opts_.port);
    }
    socket_.open(remote_.protocol());
    open_ = true;
}

void miio_client::send(const bytes& frame) {
    boost::system::error_code ec;
    socket_.send_to(asio::buffer(frame), remote_, 0, ec);  // a send error shows as a timeout
}

std::optional<bytes> miio_client::receive(steady_clock::time_point deadline) {
    while (!aborted_ && steady_clock::now() < deadline) {
        std::optional<boost::system::error_code> result;
        std::size_t n = 0;
        udp::endpoint sender;
        socket_.async_receive_from(asio::buffer(buffer_), sender,
                                   [&](const boost::system::error_code& ec, std::size_t got) {
                                       result = ec;
                                       n = got;
                                   });
        io_.restart();
        if (!aborted_) io_.run_until(deadline);
        if (!result) {  // timed out: cancel and drain the aborted handler. If abort() interrupts
                        // the drain, the io_context is never run again (aborted_ is checked first).
            socket_.cancel();
            io_.restart();
            io_.run();
            return std::nullopt;
        }
        if (*result) continue;            // transient socket error: keep waiting until the deadline
        if (sender != remote_) continue;  // not our device
        return bytes(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    return std::nullopt;
}

void miio_client::abort() {
    aborted_ = true;
    io_.stop();  // thread-safe: makes a running run_until()/run() return
}

bool miio_client::handshake() {
    ensure_open();
    ++stats_.handshakes;
    const bytes hello = hello_frame();
    send(hello);
    const auto deadline = steady_clock::now() + opts_.timeout;
    while (auto d = receive(deadline)) {
        if (const auto h = parse_hello_reply(*d)) {
            device_id_ = h->device_id;
            device_stamp_ = h->stamp;
            hello_at_ = steady_clock::now();
            need_hello_ = false;
            return true;
        }
        ++stats_.stale;  // a late reply to an earlier request
    }
    return false;
}

std::uint32_t miio_client::current_stamp() const {
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(steady_clock::now() - hello_at_).count();
    return device_stamp_ + static_cast<std::uint32_t>(elapsed);
}

std::string miio_client::last_garbage() const {
    std::lock_guard lock(garbage_mutex_);
    return last_garbage_;
}

nlohmann::json miio_client::call(const std::string& method, const nlohmann::json& params) {
    ensure_open();
    ++stats_.requests;
    std::uint64_t garbage_before = stats_.garbage.load();
    const int attempts = 1 + (opts_.retries < 0 ? 0 : opts_.retries);
    int hellos_answered = 0;  // in this call
    bool decrypted = false;   // any reply (even a stale one) decrypted with our token in this call
    for (int attempt = 0; attempt < attempts; ++attempt) {
        if (aborted_) throw miio_error(failure::timeout, method + ": aborted (driver stopping)");
        if (need_hello_) {
            if (!handshake()) {
                ++stats_.timeouts;
                continue;
            }
            ++hellos_answered;
        }
        const std::int64_t id = next_id_++;
        if (next_id_ > 999'999) next_id_ = 1;
        const nlohmann::json request = {{"id", id}, {"method", method}, {"params", params}};
        send(encode_frame(opts_.token, device_id_, current_stamp(), request.dump()));
        const auto deadline = steady_clock::now() + opts_.timeout;
        while (auto d = receive(deadline)) {
            const classified_reply r = classify_reply(opts_.token, *d, id);
            if (r.kind == reply_kind::garbage) {
                ++stats_.garbage;
                std::lock_guard lock(garbage_mutex_);
                last_garbage_ = r.detail;
                continue;
            }
            decrypted = true;
            token_proven_ = true;
            if (r.kind == reply_kind::stale) {
                ++stats_.stale;
                continue;
            }
            const auto j = nlohmann::json::parse(r.json_text, nullptr, false);
            if (j.is_discarded() || !j.is_object())
                throw miio_error(failure::protocol, method + ": the device's reply is not a JSON object");
            if (j.contains("error")) {
                const auto& e = j["error"];
                const auto c = e.is_object() ? e.find("code") : e.end();
                const int code = c != e.end() && c->is_number_integer() ? c->get<int>() : 0;
                const auto m = e.is_object() ? e.find("message") : e.end();
                const std::string msg = m != e.end() && m->is_string() ? m->get<std::string>() : "error";
                throw miio_error(failure::device_error,
                                 method + ": device error " + std::to_string(code) + " (" + msg + ")", code);
            }
            return j.contains("result") ? j["result"] : j;
        }
        ++stats_.timeouts;
        need_hello_ = true;  // re-handshake before the next attempt (the device may have rebooted)
    }
    const std::string where = opts_.host + ":" + std::to_string(opts_.port);
    const bool undecodable = stats_.garbage.load() != garbage_before;
    // The device is there (it answered the hello) but nothing it sent decrypted with our token:
    // either it ignored our frames (a device drops requests whose checksum does not match its
    // token) or its replies did not decrypt. Once the token has worked on this client, silence
    // or corrupted replies are a timeout instead (a busy, rebooting or garbling device).
    if (hellos_answered > 0 && !decrypted && !token_proven_) {
        ++stats_.token_rejections;
        std::string why = method + ": the device at " + where + " answers but rejects the token (check 'token')";
        if (undecodable) why += "; its replies did not decrypt: " + last_garbage();
        throw miio_error(failure::token_rejected, why);
    }
    std::string why = method + ": no valid reply from " + where + " after " + std::to_string(attempts) + " attempt(s)";
    if (undecodable) why += " (replies did not decrypt: " + last_garbage() + ")";
    throw miio_error(failure::timeout, why);
}

}  // namespace hearth::miio
