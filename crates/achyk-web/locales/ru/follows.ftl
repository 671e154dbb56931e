# Подписки и уведомления.
follow-button = Следить
follow-search = Следить за этим поиском
follows-title = На что вы подписаны
follows-text = Вы получаете письмо, когда происходит что-то новое (сразу или раз в день), и всё это есть в вашей ленте Atom.
follows-none = Вы пока ни на что не подписаны. Нажимайте «Следить» на страницах закупок, организаций, поиска и дел.
follows-stop = Отписаться
follows-feed = Ваша лента
follows-feed-text = Личный адрес для программ чтения лент. Не делитесь им: по нему видно, за чем вы следите.
follows-kind-process = Закупка
follows-kind-organisation = Организация
follows-kind-region = Область
follows-kind-search = Поиск
follows-mode-immediate = Письмо сразу
follows-mode-digest = Письмо раз в день
follows-to-immediate = Присылать сразу
follows-to-digest = Присылать раз в день
unsubscribe-title = Отписка
unsubscribe-text = Больше не присылать эти письма?
unsubscribe-button = Отписаться
unsubscribe-done = Вы больше не будете получать эти письма.
alert-process-changed = Закупка изменилась: { $title }
alert-new-flag = Новый тревожный признак «{ $flag }»: { $title }
alert-new-process = Новая или изменённая закупка: { $title }
alert-more = { $count ->
    [one] и ещё { $count } закупка
    [few] и ещё { $count } закупки
   *[other] и ещё { $count } закупок
}
alert-case-step = Дело «{ $case }»: { $step }
alert-deadline-approaching = Дело «{ $case }»: ответ ожидается до { $due }
alert-deadline-missed = Дело «{ $case }»: к сроку { $due } ответа нет
alert-unsubscribe = Чтобы больше не получать эти письма, откройте:
alert-digest-subject = { $count ->
    [one] Achyk: { $count } новость
    [few] Achyk: { $count } новости
   *[other] Achyk: { $count } новостей
}
follow-region = Следить за этой областью
follows-kind-project = Проект
alert-project-changed = Проект изменился: { $title }
alert-project-visits = { $count ->
    [one] Новое посещение объекта: { $title }
    [few] { $count } новых посещения объекта: { $title }
   *[other] { $count } новых посещений объекта: { $title }
}
alert-project-late = Проект теперь опаздывает: { $title }
