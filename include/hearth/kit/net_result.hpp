// What the toolkit's network clients hand to their callbacks: a value or a net_error.
//
// A net_error carries the hearth::status a driver should report (offline, timeout, device_error,
// invalid) and a complete human sentence naming the operation, e.g.
// "GET /rpc/Switch.GetStatus: timed out after 2000 ms". Messages never contain passwords.
#pragma once

#include <hearth/driver.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace hearth::kit {

/// A failed network operation.
struct net_error {
    status code = status::internal;  ///< offline, timeout, device_error or invalid
    std::string message;             ///< complete sentence for logs and command results
    unsigned http_status = 0;        ///< the HTTP status when the device answered with one, else 0
};

/// Either a value or a net_error. Callbacks receive it by value.
template <class T>
class result {
public:
    result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
    result(net_error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    /// The value; throws std::logic_error if this holds an error.
    [[nodiscard]] T& value() {
        if (!ok()) {
            throw std::logic_error("result::value() on an error: " + std::get<1>(v_).message);
        }
        return std::get<0>(v_);
    }
    [[nodiscard]] const T& value() const { return const_cast<result*>(this)->value(); }
    T* operator->() { return &value(); }
    T& operator*() { return value(); }

    /// The error; throws std::logic_error if this holds a value.
    [[nodiscard]] const net_error& error() const {
        if (ok()) {
            throw std::logic_error("result::error() on a value");
        }
        return std::get<1>(v_);
    }

private:
    std::variant<T, net_error> v_;
};

}  // namespace hearth::kit
