# Инфраструктурные проекты (OC4IDS): список, карта, страница проекта.
nav-projects = Проекты
tender-part-of-project = Часть инфраструктурного проекта:
projects-title = Инфраструктурные проекты
projects-lead = Дороги, школы, больницы и водопроводы за бюджетные деньги: сколько стоит каждый по сравнению с бюджетом, насколько опаздывает и что граждане увидели на объекте.
projects-search-label = Поиск проектов по названию
projects-map-label = Карта Кыргызстана с найденными проектами
projects-map-cluster = Здесь проектов: { $count }, опаздывают или дороже бюджета: { $alerts }
projects-legend-size = знак крупнее: больше проектов рядом
projects-found = { $count ->
    [one] Найден { $shown } проект
    [few] Найдено { $shown } проекта
   *[other] Найдено { $shown } проектов
}
projects-none = Ни один проект не подходит под этот поиск.
projects-legend-plain = в срок и в пределах бюджета (насколько известно)
projects-legend-alert = опаздывает или дороже бюджета на 10 % и более
projects-map-tiles-label = Интерактивная карта Кыргызстана с найденными проектами; те же проекты в списке ниже
projects-legend-tiles = бледные знаки: все найденные проекты; яркие знаки: проекты из списка ниже (нажмите, чтобы увидеть ссылку)
map-tiles-credit = Картографическая основа: { $attribution }
map-zoom-in = Приблизить
map-zoom-out = Отдалить
project-filter-late = Только опаздывающие
project-filter-flagged = Только с красными флагами
project-filter-over = Дороже бюджета
project-filter-over-at-least = на { $percent } % и более
project-sector = Отрасль
project-status = Стадия
project-sector-education = Образование
project-sector-health = Здравоохранение
project-sector-energy = Энергетика
project-sector-communications = Связь
project-sector-waterAndWaste = Водоснабжение и канализация
project-sector-governance = Государственное управление
project-sector-economy = Экономика
project-sector-cultureSportsAndRecreation = Культура и спорт
project-sector-transport = Дороги и транспорт
project-sector-socialHousing = Социальное жильё
project-sector-naturalResources = Природные ресурсы
project-sector-unknown = Проект
project-status-identification = Определение
project-status-preparation = Подготовка
project-status-implementation = Строится
project-status-completion = Завершён
project-status-maintenance = Эксплуатируется
project-status-decommissioning = Выводится из эксплуатации
project-status-decommissioned = Выведен из эксплуатации
project-status-cancelled = Отменён
project-budget = Бюджет
project-value-now = Стоимость сейчас
project-over-budget = дороже бюджета на { $percent }
project-days-late = { $days ->
    [one] опоздание { $days } день
    [few] опоздание { $days } дня
   *[other] опоздание { $days } дней
}
project-days = { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
}
project-on-time = в срок
project-summary-what = { $sector }: { $place }.
project-summary-who = Ответственный госорган: { $authority }.
project-summary-builders = Строит: { $names }.
project-summary-over = Бюджет { $budget }; сейчас стоимость { $value }, на { $percent } больше бюджета.
project-summary-within = Бюджет { $budget }; сейчас стоимость { $value }, в пределах бюджета.
project-summary-budget = Бюджет { $budget }.
project-summary-finished-late = Должен был быть завершён к { $planned }, завершён { $finished }: опоздание { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
}.
project-summary-finished = Должен был быть завершён к { $planned }, завершён { $finished }.
project-summary-open-late = Должен был быть завершён к { $planned } и до сих пор не завершён: опоздание уже { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
}.
project-summary-open = Срок завершения: { $planned }.
project-report = Сообщить о проблеме с этим проектом
project-measures = Что говорят цифры
project-warn-mark = Требует внимания:
project-measure-unknown = неизвестно
project-measure-over-budget = Стоимость против бюджета
project-measure-over-budget-explain = Стоимость сейчас ({ $value }) против утверждённого бюджета ({ $budget }).
project-measure-needs-budget = Нужны бюджет и стоимость в одной валюте.
project-measure-over-contracts = Рост договоров после подписания
project-measure-over-contracts-explain = Договоры сейчас ({ $current }) против подписанных сумм ({ $original }).
project-measure-needs-contracts = Нужны суммы договоров в одной валюте.
project-measure-late = Опоздание
project-measure-late-explain = Дней после планового срока ({ $planned }) до завершения или до сегодня.
project-measure-needs-end = Нужен плановый срок завершения.
project-measure-direct = Без конкурса
project-measure-direct-explain = Доля стоимости договоров, заключённых напрямую с одним поставщиком, без торгов.
project-measure-modifications = Изменения договоров
project-measure-modifications-explain = Сколько раз договоры меняли после подписания (цену, сроки или объём).
project-measure-flags = Красные флаги
project-measure-flags-explain = Признаки коррупционного риска в закупках проекта (подробнее на странице каждой закупки).
project-measure-lag = Оплачено раньше работ
project-measure-lag-explain = Оплачено { $paid } стоимости договоров, а выполнено { $built } работ.
project-progress = Выполнено и оплачено
project-progress-built = Выполнено работ
project-progress-paid = Оплачено
project-timeline = Хронология
project-modification = Договор изменён
project-step-start = Начало работ
project-step-planned-end = Плановый срок
project-step-completed = Завершён
project-processes = Закупки этого проекта
project-processes-none = Публикатор не указал ни одной закупки для этого проекта.
project-process = Закупка
project-supplier = Подрядчик
project-original = Подписан на
project-current = Сейчас
project-modifications = Изменения
project-flags = Красные флаги
project-documents = Документы
project-reports = Что сообщили граждане
project-reports-none = Опубликованных сообщений об этом проекте пока нет.
project-source-oc4ids = Опубликовано ответственным органом по стандарту открытых данных об инфраструктуре (OC4IDS).
project-source-cso = Собрано в Achyk наблюдателем гражданской организации из опубликованных закупок.
milestone-met = выполнено
milestone-notMet = не выполнено
milestone-partiallyMet = выполнено частично
milestone-scheduled = запланировано
visit-start = Сообщить о посещении объекта
visit-title = Посещение объекта: { $project }
visit-back = Назад к проекту
visit-lead = Были на объекте? Ответьте на несколько вопросов о том, что вы увидели. Модератор читает каждое посещение до публикации; после публикации ваши ответы учитываются в итогах посещений проекта.
visit-day = День посещения
visit-work = Идут ли на объекте работы?
visit-work-hint = Рабочие, техника или материалы в работе в день, когда вы там были.
visit-signboard = Есть ли информационный щит с подрядчиком и бюджетом?
visit-signboard-hint = На каждой стройке должен быть щит с названием подрядчика, стоимостью и сроками.
visit-defects = Видны ли дефекты?
visit-defects-hint-road = Ямы, трещины, осыпающиеся края, нет водоотвода, недоделки.
visit-defects-hint-water = Протечки, нет воды в кранах, незасыпанные траншеи, сломанная арматура.
visit-defects-hint-building = Протекает крыша, трещины в стенах, разбитые окна, недоделки.
visit-in-use = Используется ли объект?
visit-in-use-hint = Дети в школе, пациенты в больнице, машины на дороге, вода в кранах.
visit-answer-yes = Да
visit-answer-no = Нет
visit-answer-unsure = Не смог(ла) понять
visit-signboard-complete = Да, с подрядчиком и бюджетом
visit-signboard-incomplete = Да, но без подрядчика или бюджета
visit-signboard-missing = Щита нет
visit-signboard-unsure = Не смог(ла) понять
visit-note = Что ещё вы увидели (необязательно)
visit-note-hint = Не пишите своё имя и ничего, что может указать на вас.
visit-send = Отправить посещение
visit-error-day = Укажите день посещения (не в будущем).
visit-error-answer = Ответьте на каждый вопрос (можно ответить «Не смог(ла) понять»).
visit-text-day = Посещение объекта { $day }.
visit-summary = { $count ->
    [one] { $count } посещение с { $since }: { $found }.
    [few] { $count } посещения с { $since }: { $found }.
   *[other] { $count } посещений с { $since }: { $found }.
}
visit-found-work-stopped = работы стояли: { $count }
visit-found-signboard-missing = щита нет: { $count }
visit-found-defects = видны дефекты: { $count }
visit-found-not-in-use = не используется: { $count }
visit-found-nothing = проблем не замечено
make-title = Собрать проект
make-lead = Если проект никто не публикует, соберите его из закупок, которые его строят: договоров на работы по одной и той же школе, дороге или водопроводу. Achyk берёт значения каждого договора из сохранённых закупок и показывает, откуда взято каждое значение.
make-name = Что строится
make-type = Вид работ
make-type-construction = Новое строительство
make-type-rehabilitation = Ремонт или реконструкция
make-type-expansion = Расширение
make-place = Село или место
make-budget = Бюджет в сомах (необязательно)
make-budget-hint = Только бюджет, который можно подтвердить, например решением местного кенеша.
make-planned-end = Плановое завершение (необязательно)
make-processes = Закупки (их ocid)
make-processes-hint = По одной в строке, как на странице каждой закупки, например ocds-h7i0z4-240115013.
make-send = Создать проект
make-error-title = Дайте проекту название (не длиннее 300 знаков).
make-error-choice = Выберите из списков.
make-error-budget = Бюджет должен быть положительным числом в сомах.
make-error-day = Плановое завершение должно быть датой.
make-error-processes = Укажите от 1 до 50 закупок.
make-error-unknown = Этих закупок нет в базе:
make-sources = Откуда взято каждое значение
make-source-monitor = введено наблюдателем, который собрал проект
project-purpose = Цель:
project-parties = Кто участвует
project-budget-breakdown = Бюджет по частям
party-role-buyer = заказчик
party-role-procuringEntity = закупающая организация
party-role-supplier = подрядчик
party-role-tenderer = участник торгов
party-role-funder = финансирующая сторона
party-role-enquirer = автор запроса
party-role-payer = плательщик
party-role-payee = получатель платежа
party-role-reviewBody = орган по обжалованию
party-role-interestedParty = заинтересованная сторона
party-role-publicAuthority = ответственный госорган
party-role-administrativeEntity = администрирующий орган
party-role-climateFinanceFocalPoint = координатор климатического финансирования
party-role-independentMonitor = независимый наблюдатель
