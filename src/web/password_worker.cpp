// The password worker thread (see password_worker.hpp).
#include "web/password_worker.hpp"

#include "log/log.hpp"

#include <boost/asio/post.hpp>

namespace hearth::web {

password_worker::password_worker(boost::asio::io_context& loop, std::size_t max_pending)
    : loop_(loop), max_pending_(max_pending) {}

password_worker::~password_worker() {
    *alive_ = false;
    pool_.stop();
    pool_.join();
}

bool password_worker::post(std::function<std::function<void()>()> job) {
    if (pending_ >= max_pending_) return false;
    ++pending_;
    boost::asio::post(pool_, [this, alive = alive_, job = std::move(job)]() {
        std::function<void()> then;
        try {
            then = job();
        } catch (const std::exception& e) {
            log::app().error("web: password job failed: {}", e.what());
        }
        boost::asio::post(loop_, [this, alive, then = std::move(then)]() {
            if (!*alive) return;
            --pending_;
            if (then) then();
        });
    });
    return true;
}

}  // namespace hearth::web
