namespace kiosk::printing { const char* moduleName() { return "printing"; } }
