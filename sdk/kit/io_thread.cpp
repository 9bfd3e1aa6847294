// io_thread: the run loop of a toolkit driver's one thread (see include/hearth/kit/io_thread.hpp).
#include <hearth/kit/io_thread.hpp>

#include <exception>

namespace hearth::kit {

io_thread::io_thread(error_sink on_handler_error)
    : work_(asio::make_work_guard(io_)), on_handler_error_(std::move(on_handler_error)), thread_([this] { run(); }) {}

io_thread::~io_thread() { stop_and_join(); }

void io_thread::stop_and_join() {
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
}

void io_thread::run() noexcept {
    // A throwing handler must not end the driver: report it and keep serving the others.
    for (;;) {
        try {
            io_.run();
            return;  // stopped
        } catch (const std::exception& e) {
            if (on_handler_error_) on_handler_error_(e.what());
        } catch (...) {
            if (on_handler_error_) on_handler_error_("a non-standard exception");
        }
    }
}

}  // namespace hearth::kit
