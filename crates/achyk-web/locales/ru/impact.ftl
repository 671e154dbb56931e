# The Impact page.
impact-title = Результаты
impact-lead = Чего добился общественный мониторинг: о чём сообщили люди, что наблюдатели направили в госорганы и что органы ответили.
impact-reports = Получено сообщений
impact-published = Опубликовано сообщений
impact-cases = Дел в госорганах
impact-on-time = Ответов в законный срок
impact-by-category = Сообщения по видам проблем
impact-by-region = Сообщения по областям
impact-by-gender = Кто сообщает: пол (по желанию)
impact-by-age = Кто сообщает: возраст (по желанию)
impact-cases-by-state = Дела по состоянию
impact-outcomes = Итоги ответов
impact-count = Число
impact-nothing = Пока ничего.
impact-not-given = Не указано
impact-fewer-than = меньше { $n }
impact-privacy = Пол и возраст указывают только те, кто хочет, и они только подсчитываются; числа меньше 5 точно не показываются.
