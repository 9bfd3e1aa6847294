// result<T, E>: a value or the reason there is none — the one return shape for fallible work that
// is not exceptional (parsing untrusted input, loading files, validating commands). Debian
// bookworm's GCC 12 has no std::expected in C++20 mode, so this is a small stand-in with the same
// spelling where it matters (has_value, value, error, value_or, failure ≈ std::unexpected).
// Every accessor is checked: value() on an error and error() on a value throw bad_result_access
// (never undefined behaviour), so a wrong branch is a loud bug, not a silent read of garbage.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace hearth {

/// Thrown by result::value() when it holds an error and by result::error() when it holds a value.
class bad_result_access : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

/// Wraps an error so that it converts to any result<T, E> (as std::unexpected does).
template <class E>
struct failure {
    E error;
};

/// Builds a failure<E> from an error value: `return fail("no such device");`.
template <class E>
failure<std::decay_t<E>> fail(E&& error) {
    return failure<std::decay_t<E>>{std::forward<E>(error)};
}

/// Builds a failure<std::string> from text (string literals do not decay to std::string).
inline failure<std::string> fail(const char* error) { return failure<std::string>{std::string(error)}; }

/// Either a T (success) or an E (the reason for failure; default: one line of text).
template <class T, class E = std::string>
class result {
public:
    using value_type = T;
    using error_type = E;

    /// Success.
    result(const T& value) : state_(std::in_place_index<0>, value) {}        // NOLINT
    result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
    /// Failure (from fail(...) or failure<E>{...}; any error convertible to E).
    template <class G, class = std::enable_if_t<std::is_constructible_v<E, G&&>>>
    result(failure<G> f) : state_(std::in_place_index<1>, std::move(f.error)) {}  // NOLINT

    [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    /// The value; throws bad_result_access when this holds an error.
    [[nodiscard]] T& value() & { return std::get<0>(checked_value()); }
    [[nodiscard]] const T& value() const& { return std::get<0>(checked_value()); }
    [[nodiscard]] T&& value() && { return std::move(std::get<0>(checked_value())); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    /// The error; throws bad_result_access when this holds a value.
    [[nodiscard]] E& error() & { return std::get<1>(checked_error()); }
    [[nodiscard]] const E& error() const& { return std::get<1>(checked_error()); }
    [[nodiscard]] E&& error() && { return std::move(std::get<1>(checked_error())); }

    /// The value, or `fallback` when this holds an error.
    template <class U>
    [[nodiscard]] T value_or(U&& fallback) const& {
        return has_value() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
    }

    /// The value as an optional (empty on error) — for callers that only need to know "if any".
    [[nodiscard]] std::optional<T> to_optional() && {
        if (!has_value()) return std::nullopt;
        return std::move(std::get<0>(state_));
    }

private:
    std::variant<T, E>& checked_value() {
        if (!has_value()) throw bad_result_access("result::value() called on an error");
        return state_;
    }
    const std::variant<T, E>& checked_value() const {
        if (!has_value()) throw bad_result_access("result::value() called on an error");
        return state_;
    }
    std::variant<T, E>& checked_error() {
        if (has_value()) throw bad_result_access("result::error() called on a value");
        return state_;
    }
    const std::variant<T, E>& checked_error() const {
        if (has_value()) throw bad_result_access("result::error() called on a value");
        return state_;
    }

    std::variant<T, E> state_;
};

/// Success without a value, or an E.
template <class E>
class result<void, E> {
public:
    using value_type = void;
    using error_type = E;

    /// Success.
    result() = default;
    /// Failure.
    template <class G, class = std::enable_if_t<std::is_constructible_v<E, G&&>>>
    result(failure<G> f) : error_(std::in_place, std::move(f.error)) {}  // NOLINT

    [[nodiscard]] bool has_value() const noexcept { return !error_.has_value(); }
    explicit operator bool() const noexcept { return has_value(); }

    /// Throws bad_result_access when this holds an error (mirrors std::expected<void>::value).
    void value() const {
        if (!has_value()) throw bad_result_access("result::value() called on an error");
    }

    /// The error; throws bad_result_access on success.
    [[nodiscard]] const E& error() const& {
        if (has_value()) throw bad_result_access("result::error() called on a value");
        return *error_;
    }
    [[nodiscard]] E& error() & {
        if (has_value()) throw bad_result_access("result::error() called on a value");
        return *error_;
    }

private:
    std::optional<E> error_;
};

}  // namespace hearth
