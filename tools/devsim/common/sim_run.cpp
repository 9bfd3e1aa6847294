// Role: implementation of the simulators' shared main() scaffolding (sim_run.hpp).
#include "sim_run.hpp"

#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <exception>
#include <iostream>

namespace hearth::devsim {

int run_guarded(std::string_view program, const std::function<void()>& body) {
    try {
        body();
    } catch (const std::exception& e) {
        std::cerr << program << ": " << e.what() << std::endl;
        return 1;
    }
    return 0;
}

void run_until_signal(boost::asio::io_context& io, const std::function<void()>& ready,
                      const std::function<void()>& on_signal) {
    boost::asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code&, int) {
        if (on_signal) on_signal();
        io.stop();
    });
    if (ready) ready();
    io.run();
}

}  // namespace hearth::devsim
