#include <kiosk/ui/onscreen_keyboard.hpp>

#include <utility>

namespace kiosk::ui {
namespace {

KeyCap letter(const std::string& lower, std::string upper) {
    return {OskKey{OskKey::Kind::Text, lower, std::move(upper)}, lower, 1.f};
}

/// "azertyuiop" → ten keys (ASCII letters only; upper case by toupper).
std::vector<KeyCap> letters(std::string_view s) {
    std::vector<KeyCap> row;
    for (char c : s) {
        const std::string lo(1, c);
        const std::string up(1, static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
        row.push_back(letter(lo, up));
    }
    return row;
}

/// Space-separated UTF-8 "lower/UPPER" pairs (or one form for both).
std::vector<KeyCap> pairs(std::string_view s) {
    std::vector<KeyCap> row;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t end = std::min(s.find(' ', i), s.size());
        const std::string_view item = s.substr(i, end - i);
        const std::size_t slash = item.find('/');
        if (slash == std::string_view::npos)
            row.push_back(letter(std::string(item), std::string(item)));
        else
            row.push_back(letter(std::string(item.substr(0, slash)), std::string(item.substr(slash + 1))));
        i = end + 1;
    }
    return row;
}

KeyCap special(OskKey::Kind kind, std::string label, float width) {
    return {OskKey{kind, "", ""}, std::move(label), width};
}

}  // namespace

std::optional<KeyboardSetting> keyboardSettingFromName(std::string_view name) {
    if (name == "auto") return KeyboardSetting::Auto;
    if (name == "on") return KeyboardSetting::On;
    if (name == "off") return KeyboardSetting::Off;
    return std::nullopt;
}

bool OnScreenKeyboard::shown() const {
    switch (m_setting) {
        case KeyboardSetting::On:
            return !m_folded;
        case KeyboardSetting::Off:
            return false;
        case KeyboardSetting::Auto:
            return !m_folded && !m_physical;
    }
    return false;
}

std::vector<std::vector<KeyCap>> OnScreenKeyboard::rows(core::Language lang) const {
    std::vector<std::vector<KeyCap>> r;
    const bool azerty = lang == core::Language::Fr;
    if (m_layer == Layer::Letters) {
        r.push_back(letters("1234567890"));
        r.push_back(letters(azerty ? "azertyuiop" : "qwertyuiop"));
        r.push_back(letters(azerty ? "qsdfghjklm" : "asdfghjkl'"));
        auto row3 = letters(azerty ? "wxcvbn" : "zxcvbnm");
        row3.insert(row3.begin(), special(OskKey::Kind::Shift, "\u21E7", 1.5f));  // ⇧
        row3.push_back(letter("'", "'"));
        if (!azerty) row3.back() = letter("-", "-");
        row3.push_back(special(OskKey::Kind::Backspace, "\u232B", 1.5f));  // ⌫
        r.push_back(std::move(row3));
    } else {
        r.push_back(letters("1234567890"));
        r.push_back(pairs("é/É è/È ê/Ê ë/Ë à/À â/Â ä/Ä ç/Ç ô/Ô ö/Ö"));
        r.push_back(pairs("û/Û ü/Ü ù/Ù ï/Ï î/Î ñ/Ñ ø/Ø å/Å æ/Æ œ/Œ"));
        auto row3 = pairs("ß ' - _ , ; ( ) /");
        row3.insert(row3.begin(), special(OskKey::Kind::Shift, "\u21E7", 1.5f));
        row3.push_back(special(OskKey::Kind::Backspace, "\u232B", 1.5f));
        r.push_back(std::move(row3));
    }
    std::vector<KeyCap> bottom;
    bottom.push_back(special(OskKey::Kind::Layer, m_layer == Layer::Letters ? "àé" : "abc", 1.5f));
    bottom.push_back(letter("@", "@"));
    bottom.push_back({OskKey{OskKey::Kind::Text, " ", " "}, "", 4.f});  // space
    bottom.push_back(letter("-", "-"));
    bottom.push_back(letter(".", "."));
    bottom.push_back(special(OskKey::Kind::Enter, "\u23CE", 1.5f));       // ⏎
    bottom.push_back(special(OskKey::Kind::Fold, "\u2328\u2193", 1.5f));  // hide
    r.push_back(std::move(bottom));
    return r;
}

std::optional<Typed> OnScreenKeyboard::press(const OskKey& key) {
    switch (key.kind) {
        case OskKey::Kind::Text: {
            Typed t;
            t.text = m_shift && !key.upper.empty() ? key.upper : key.text;
            m_shift = false;  // one capital: names start with one
            return t;
        }
        case OskKey::Kind::Backspace: {
            Typed t;
            t.backspace = true;
            return t;
        }
        case OskKey::Kind::Enter: {
            Typed t;
            t.enter = true;
            return t;
        }
        case OskKey::Kind::Shift:
            m_shift = !m_shift;
            return std::nullopt;
        case OskKey::Kind::Layer:
            m_layer = m_layer == Layer::Letters ? Layer::Accents : Layer::Letters;
            return std::nullopt;
        case OskKey::Kind::Fold:
            // Folding hides it; the small keyboard button brings it back, also after a real
            // keyboard made `auto` hide it (the volunteer knows best).
            if (shown()) {
                m_folded = true;
            } else {
                m_folded = false;
                m_physical = false;
            }
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace kiosk::ui
