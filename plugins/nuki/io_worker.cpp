// Role: implementation of the nuki driver's I/O thread (see io_worker.hpp).
#include <utility>  // before Boost.Asio/Beast (Boost 1.74 + GCC 12 + C++20)

#include "io_worker.hpp"

#include <boost/asio/post.hpp>

namespace hearth::nuki {

void io_worker::start() {
    work_.emplace(io_.get_executor());
    thread_ = std::thread([this] {
        for (;;) {
            try {
                io_.run();
                return;
            } catch (const std::exception& e) {
                host_.error(std::string("nuki I/O thread: ") + e.what());
            }
        }
    });
}

void io_worker::stop() {
    stopped_ = true;
    if (!thread_.joinable()) return;
    stopping_ = true;
    client_.abort_in_flight();
    work_.reset();
    io_.stop();
    thread_.join();
}

void io_worker::post(std::function<void()> job) {
    boost::asio::post(io_, [this, job = std::move(job)] {
        if (!stopping_) job();
    });
}

void io_worker::to_host(std::function<void()> fn) {
    host_.set_timer(std::chrono::milliseconds(0), [this, fn = std::move(fn)] {
        if (!stopped_) fn();
    });
}

void io_worker::request(std::string path, bridge_client::params query, std::function<void(const http_result&)> done) {
    post([this, path = std::move(path), query = std::move(query), done = std::move(done)] {
        http_result r = client_.get(path, query);
        to_host([r = std::move(r), done] { done(r); });
    });
}

}  // namespace hearth::nuki
