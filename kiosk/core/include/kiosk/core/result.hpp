#pragma once
/// Infrastructure failures as values: `Result<T>` holds a T or an Error.
/// Exceptions never cross a module facade; refused check-ins are Outcomes, not Errors.
#include <string>
#include <utility>
#include <variant>

namespace kiosk::core {

/// A failure with a stable machine code (e.g. "db.newer_schema", "io.open") and a message a
/// person can act on ("… was written by a newer kiosk; update the kiosk or use another file").
struct Error {
    std::string code;
    std::string message;
};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(Error error) : m_v(std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(m_v); }
    const T& value() const& { return std::get<0>(m_v); }
    // By value, not T&&: `for (auto& x : db.attendees().value())` would otherwise iterate a
    // vector that died with the temporary Result.
    T value() && { return std::get<0>(std::move(m_v)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    const Error& error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}
    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error& error() const { return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

using Status = Result<void>;

}  // namespace kiosk::core
