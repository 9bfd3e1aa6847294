// poll_schedule and poller (see include/hearth/kit/poller.hpp).
#include <hearth/kit/poller.hpp>

#include <algorithm>

namespace hearth::kit {

using std::chrono::milliseconds;

poll_schedule::poll_schedule(poll_options options, std::uint64_t seed) : options_(options), random_(seed) {
    options_.jitter = std::clamp(options_.jitter, 0.0, 0.99);
    options_.interval = std::max(options_.interval, milliseconds{1});
    options_.max_backoff = std::max(options_.max_backoff, options_.interval);
}

milliseconds poll_schedule::after_success() {
    failures_ = 0;
    return jittered(options_.interval);
}

milliseconds poll_schedule::after_failure() {
    ++failures_;
    // interval × 2^failures without overflow: stop doubling once past the cap.
    milliseconds base = options_.interval;
    for (int i = 0; i < failures_ && base < options_.max_backoff; ++i) base *= 2;
    return jittered(std::min(base, options_.max_backoff));
}

milliseconds poll_schedule::jittered(milliseconds base) {
    if (options_.jitter <= 0) return base;
    std::uniform_real_distribution<double> spread(-options_.jitter, options_.jitter);
    const double ms = static_cast<double>(base.count()) * (1.0 + spread(random_));
    return milliseconds{std::max<std::int64_t>(1, static_cast<std::int64_t>(ms))};
}

poller::poller(boost::asio::io_context& io, poll_options options, poll_fn poll)
    : timer_(io), schedule_(options), poll_(std::move(poll)), self_(std::make_shared<poller*>(this)) {}

poller::~poller() { timer_.cancel(); }

void poller::start(milliseconds first_delay) {
    running_ = true;
    arm(first_delay);
}

void poller::poll_now() {
    if (!running_) return;
    if (in_flight_) {
        again_ = true;
        return;
    }
    arm(milliseconds{0});
}

void poller::stop() {
    running_ = false;
    again_ = false;
    timer_.cancel();
}

void poller::arm(milliseconds delay) {
    timer_.expires_after(delay);
    timer_.async_wait([weak = std::weak_ptr<poller*>(self_)](const boost::system::error_code& ec) {
        const auto alive = weak.lock();
        if (ec || !alive) return;
        (*alive)->run_poll();
    });
}

void poller::run_poll() {
    if (!running_ || in_flight_) return;
    in_flight_ = true;
    auto called = std::make_shared<bool>(false);
    poll_([weak = std::weak_ptr<poller*>(self_), called](bool ok) {
        const auto alive = weak.lock();
        if (!alive || *called) return;  // the poller is gone, or done called twice
        *called = true;
        (*alive)->finished(ok);
    });
}

void poller::finished(bool ok) {
    in_flight_ = false;
    const milliseconds next = ok ? schedule_.after_success() : schedule_.after_failure();
    if (!running_) return;
    if (again_) {
        again_ = false;
        arm(milliseconds{0});
        return;
    }
    arm(next);
}

}  // namespace hearth::kit
