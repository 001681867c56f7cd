#include <kiosk/ui/pin_gate.hpp>

#include <kiosk/core/log.hpp>

#include <utility>

namespace kiosk::ui {

PinGate::~PinGate() {
    if (m_check) m_check->wait();
}

void PinGate::configure(core::PinConfig config, std::string pinFile, core::TimePoint utcNow,
                        Clock::time_point now) {
    m_config = std::move(config);
    m_pinFile = std::move(pinFile);
    m_utcNow = utcNow;
    m_lock = core::PinLock(m_config.volunteers);
    // A restart does not reset the delays: the lockout comes back from the PIN file.
    if (m_config.failures > 0)
        m_lock.restore(m_config.failures,
                       std::chrono::duration_cast<std::chrono::milliseconds>(m_config.retryAt - utcNow), now);
}

std::string PinGate::noPinText(const Strings& text, core::Language l) const {
    // The pad faces the public: the cause in the language on screen, never the organiser's
    // message (English, with the PIN file's path: that one goes to stderr at start-up).
    const std::string key = "lock.problem." + m_config.problemCode;
    if (!m_config.problemCode.empty() && text.has(l, key)) return text.get(l, key);
    return text.get(l, "lock.no_pin");
}

void PinGate::open(const Strings& text, core::Language l) {
    m_open = true;
    m_entry.clear();
    m_message.clear();
    m_messageIsError = false;
    if (!m_lock.hasPin()) {
        m_message = noPinText(text, l);
        m_messageIsError = true;
    }
}

void PinGate::close() {
    m_open = false;
    m_entry.clear();
}

void PinGate::key(char k, Clock::time_point now, const Strings& text, core::Language l) {
    if (!m_open || m_check) return;
    if (k >= '0' && k <= '9' && m_entry.size() < core::kPinMaxLength)
        m_entry.push_back(k);
    else if (k == '\b' && !m_entry.empty())
        m_entry.pop_back();
    else if (k == 'c')
        m_entry.clear();
    else if (k == '\n')
        submit(now, text, l);
}

void PinGate::enter(std::string pin, Clock::time_point now, const Strings& text, core::Language l) {
    if (!m_open || m_check) return;
    m_entry = std::move(pin);
    submit(now, text, l);
}

void PinGate::submit(Clock::time_point now, const Strings& text, core::Language l) {
    if (m_check) return;
    const std::string pin = std::exchange(m_entry, {});
    if (auto gate = m_lock.beginAttempt(now)) {
        m_messageIsError = true;
        if (*gate == core::PinAttempt::NoPin) {
            m_message = noPinText(text, l);
        } else {
            const auto wait =
                std::chrono::duration_cast<std::chrono::seconds>(m_lock.waitRemaining(now)).count() + 1;
            m_message = text.format(l, "lock.wait", {{"seconds", std::to_string(wait)}});
        }
        return;
    }
    m_message = text.get(l, "lock.checking");
    m_messageIsError = false;
    m_check = std::async(std::launch::async, [volunteers = m_lock.volunteers(), pin, file = m_pinFile,
                                              failures = m_lock.failures(), at = m_utcNow] {
        // The try is written as failed before the check, cleared when right (core::checkPinRecorded).
        auto who = core::checkPinRecorded(file, volunteers, pin, failures, at);
        if (who) return *who;
        // The file cannot be written (read-only medium …): the delays still hold in memory.
        core::PinFile check;
        check.volunteers = volunteers;
        return check.match(pin);
    });
}

bool PinGate::poll(Clock::time_point now, const Strings& text, core::Language l) {
    if (!m_check) return false;
    if (m_check->wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
    const std::optional<std::string> who = m_check->get();
    m_check.reset();
    const core::PinAttempt a = m_lock.finishAttempt(who, now);
    if (a == core::PinAttempt::Opened && m_lock.unlocked()) {
        core::logInfo(
            "help desk unlocked by " +
            (m_lock.unlockedBy().empty() ? std::string("the shared desk PIN") : m_lock.unlockedBy()) +
            (m_config.demoDefault ? " (the demo PIN)" : ""));
        m_open = false;
        m_message.clear();
        m_lock.touch(now);
        return true;
    }
    if (a == core::PinAttempt::Wrong)
        core::logWarn("wrong PIN at the help desk (" + std::to_string(m_lock.failures()) + " in a row)");
    m_messageIsError = true;
    m_message = text.get(l, "lock.wrong");
    const auto wait = m_lock.waitRemaining(now);
    if (wait.count() > 0) {
        const auto s = std::chrono::duration_cast<std::chrono::seconds>(wait).count() + 1;
        m_message += "  ·  " + text.format(l, "lock.wait", {{"seconds", std::to_string(s)}});
    }
    return false;
}

LockView PinGate::view(const Strings& text, core::Language l) const {
    LockView v;
    v.title = text.get(l, "lock.title");
    v.prompt = text.get(l, "lock.prompt");
    v.digits = m_entry.size();
    v.message = m_message;
    v.messageIsError = m_messageIsError;
    v.busy = m_check.has_value();
    v.cancelLabel = text.get(l, "lock.cancel");
    v.enterLabel = text.get(l, "lock.enter");
    v.clearLabel = text.get(l, "lock.clear");
    return v;
}

}  // namespace kiosk::ui
