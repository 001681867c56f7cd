#include <kiosk/ui/typing_guard.hpp>

#include <utility>

namespace kiosk::ui {

void TypingGuard::key(char k, Clock::time_point at) {
    if (m_inBurst) {
        if (at - m_last < m_opt.burstGap) {
            m_last = at;  // the burst goes on
            return;
        }
        m_inBurst = false;
        m_burstEnd = m_last;
    }
    if (m_held && at - m_last < m_opt.burstGap) {
        // Two keys this close: a scanner. Drop the held key and everything until a pause.
        m_held.reset();
        m_inBurst = true;
        ++m_bursts;
        m_last = at;
        return;
    }
    if (m_held) m_ready.push_back(*std::exchange(m_held, std::nullopt));
    if (k == '\n' && m_burstEnd && at - *m_burstEnd < m_opt.enterAfterBurst) {
        m_last = at;
        return;
    }
    m_held = k;
    m_last = at;
}

std::vector<char> TypingGuard::take(Clock::time_point now) {
    if (m_inBurst && now - m_last >= m_opt.burstGap) {
        m_inBurst = false;
        m_burstEnd = m_last;
    }
    if (m_held && now - m_last >= m_opt.burstGap) m_ready.push_back(*std::exchange(m_held, std::nullopt));
    return std::exchange(m_ready, {});
}

void TypingGuard::reset() {
    m_held.reset();
    m_inBurst = false;
    m_burstEnd.reset();
    m_ready.clear();
}

}  // namespace kiosk::ui
