site-name = Ачык
site-tagline = Государственные закупки Кыргызстана — открыто для всех.
skip-to-content = Перейти к содержанию
nav-label = Основное меню
nav-home = Главная
nav-tenders = Закупки
language-switch = Язык
footer-source = Данные: портал государственных закупок Кыргызской Республики (zakupki.gov.kg) в Стандарте данных открытых контрактов (OCDS). Ачык исправляет известные ошибки выгрузки и на каждой странице показывает, что изменено.
search-label = Поиск закупок
search-button = Найти
home-intro = Ачык показывает, что покупает государство, у кого и за сколько, и простыми словами объясняет тревожные признаки.
home-counts = В базе { $processes_shown } { $processes ->
    [one] закупка
    [few] закупки
   *[many] закупок
  } и { $organisations_shown } { $organisations ->
    [one] организация
    [few] организации
   *[many] организаций
  }.
home-browse = Все закупки
tenders-none = Закупок пока нет.
page-next = Следующая страница
tender-untitled = Закупка без названия
unknown = неизвестно
currency-kgs = сом
tender-summary = { $buyer } закупает «{ $title }» ({ $region }), ожидаемая стоимость — { $value }. { $bids ->
    [0] Предложений пока нет.
    [one] Получено { $bids } предложение.
    [few] Получено { $bids } предложения.
   *[many] Получено { $bids } предложений.
  }
fact-buyer = Заказчик
fact-region = Регион
fact-value = Ожидаемая стоимость
fact-status = Статус
fact-method = Метод закупки
fact-category = Категория
fact-bids = Предложения
fact-deadline = Срок подачи
fact-ocid = Идентификатор процесса (ocid)
event-published = Объявление опубликовано
event-deadline = Срок подачи предложений
event-award = Решение о победителе
event-contract = Договор подписан
section-timeline = Хронология
section-lots = Лоты
section-items = Предмет закупки
section-bids = Предложения
section-awards = Решения
section-contracts = Договоры
section-enquiries = Вопросы участников
section-documents = Документы
section-quality = Качество данных
section-history = История публикаций
section-raw = Открытые данные
column-lot = Лот
column-value = Стоимость
column-status = Статус
column-item = Позиция
column-classification = Классификация
column-quantity = Количество
column-bidder = Участник
column-amount = Сумма
column-date = Дата
column-supplier = Поставщик
column-contract = Договор
column-signed = Подписан
column-change = Изменение
column-field = Поле
column-before = Было
column-after = Стало
column-release = Публикация
column-stage = Этап
bids-none = Предложения по этой закупке не опубликованы.
enquiry-unanswered = Ответа нет.
document-no-link = ссылка не опубликована
quality-none = Ачык ничего не менял в данных этой закупки.
quality-intro = Здесь данные издателя не соответствовали стандарту. Ачык исправил их, как показано; полученные данные хранятся без изменений.
raw-link = Эта закупка в формате OCDS JSON
error-not-found = Страница не найдена
error-not-found-text = По этому адресу ничего нет. Возможно, адрес набран с ошибкой или закупки нет в базе.
error-internal = Что-то пошло не так
error-internal-text = Не удалось открыть страницу. Попробуйте ещё раз чуть позже.
status-planning = планирование
status-planned = запланирована
status-active = идёт приём предложений
status-cancelled = отменена
status-unsuccessful = не состоялась
status-complete = завершена
status-withdrawn = отозвана
method-open = открытый конкурс
method-selective = конкурс с отбором
method-limited = ограниченный конкурс
method-direct = прямая закупка (один источник)
category-goods = товары
category-works = работы
category-services = услуги
bid-status-invited = приглашён
bid-status-pending = на рассмотрении
bid-status-valid = допущено
bid-status-disqualified = отклонено
bid-status-withdrawn = отозвано
award-status-pending = на рассмотрении
award-status-active = победитель
award-status-cancelled = отменено
award-status-unsuccessful = не присуждено
contract-status-pending = ожидает подписания
contract-status-active = действует
contract-status-cancelled = отменён
contract-status-terminated = исполнен или расторгнут
tag-planning = планирование
tag-tender = объявление
tag-tenderAmendment = изменение объявления
tag-tenderUpdate = обновление объявления
tag-tenderCancellation = отмена закупки
tag-award = решение
tag-awardUpdate = обновление решения
tag-awardCancellation = отмена решения
tag-contract = договор
tag-contractUpdate = обновление договора
tag-contractAmendment = изменение договора
tag-implementation = исполнение
tag-implementationUpdate = обновление исполнения
tag-contractTermination = завершение договора
tag-compiled = сводная запись
rule-party-name-from-legal-name = У организации не было названия: использовано юридическое наименование.
rule-kyrgyz-name-tagged = Кыргызское название было помечено неверным кодом языка (kg — это язык конго): теперь оно помечено ky.
rule-procuring-entity-id-resolved = В идентификаторе закупающей организации было её название: он заменён на ИНН организации.
rule-procuring-entity-id-unresolved = Идентификатор закупающей организации не соответствует ни одной организации в данных.
rule-buyer-from-procuring-entity = Заказчик не указан: заказчиком считается закупающая организация.
rule-award-suppliers-from-bid = В решении не указан поставщик: это участник, подавший выигравшее предложение.
rule-award-bid-not-found = Решение ссылается на неопубликованное предложение.
rule-bid-value-from-lots = Цена предложения опубликована по лотам: она показана как цена предложения.
rule-bid-split-per-lot = Одно предложение охватывало несколько лотов: оно показано как отдельное предложение на каждый лот со своей ценой.
rule-contract-award-linked = Договор связан с решением стандартным способом.
rule-contract-awards-ambiguous = Договор ссылается на несколько решений: ни одно не выбрано.
rule-category-mapped = Категория закупки была нестандартной: она приведена к товарам, работам или услугам.
rule-single-source-method = Это закупка из одного источника, опубликованная под другим методом: она показана как прямая.
rule-zero-value-removed = Там, где стоимость неизвестна, был опубликован 0: значение опущено.
rule-status-mapped = Нестандартный статус переведён в стандартный.
rule-status-outside-codelist = Нестандартный статус оставлен как опубликован.
rule-document-without-url = Документ указан без ссылки.
rule-region-unresolved = Регион заказчика не удалось определить по адресу.
rule-tenderers-counted = Число участников не опубликовано: оно подсчитано по предложениям.
filters = Фильтры и сортировка
filters-apply = Применить
filter-any = любой
filter-year = Год
filter-min = Стоимость от (сом)
filter-max = Стоимость до (сом)
sort-label = Порядок
sort-newest = сначала новые
sort-oldest = сначала старые
sort-value-high = сначала дорогие
sort-value-low = сначала дешёвые
tenders-found = { $count ->
    [0] Ничего не найдено.
    [one] Найдена { $shown } закупка.
    [few] Найдено { $shown } закупки.
   *[many] Найдено { $shown } закупок.
  }
pages-label = Страницы
page-previous = Предыдущая страница
page-of = Страница { $page } из { $pages }
fact-identifier = Идентификатор
fact-address = Адрес
organisation-as-buyer = Закупки как заказчика
organisation-as-supplier = Выигранные закупки
organisation-more = Все закупки организации
organisation-buyer-summary = Как заказчик: { $processes_shown } { $processes ->
    [one] закупка
    [few] закупки
   *[many] закупок
  } на ожидаемую сумму { $value }; { $average_bids } предложения в среднем на закупку, получившую предложения; у { $single_bid }% из них одно предложение; { $direct }% — прямые закупки.
organisation-supplier-summary = Как поставщик: { $processes ->
    [one] выиграна { $processes_shown } закупка
    [few] выиграно { $processes_shown } закупки
   *[many] выиграно { $processes_shown } закупок
  }.
nav-about = О данных
about-sources = Откуда данные
about-sources-text = Ачык читает выгрузку портала государственных закупок Кыргызской Республики (ocds.zakupki.gov.kg) в Стандарте данных открытых контрактов (OCDS). Каждая публикация хранится в том виде, в каком получена: портал хранит только последнюю публикацию по каждой закупке, а история закупки — собственная история Ачык.
about-coverage = В базе { $releases_shown } { $releases ->
    [one] публикация
    [few] публикации
   *[many] публикаций
  } о { $processes_shown } { $processes ->
    [one] закупке
   *[other] закупках
  } и { $organisations_shown } { $organisations ->
    [one] организация
    [few] организации
   *[many] организаций
  }.
about-quality-text = Выгрузка не всегда соответствует стандарту. Прежде чем что-либо вычислять, Ачык исправляет известные ошибки и записывает каждое изменение; на странице каждой закупки перечислены её изменения. Здесь — итоги.
quality-none-at-all = Исправлять ничего не пришлось.
column-processes = Закупки
column-changes = Изменения
about-open-data = Каждая закупка доступна в формате OCDS JSON на своей странице; полученные и нормализованные данные можно выгрузить командой achyk.
nav-analytics = Аналитика
analytics-intro = Куда идут деньги и насколько велика конкуренция — по ожидаемой стоимости закупок в базе.
analytics-regions = По регионам
analytics-measure = Показатель
analytics-by-method = По методам закупки
analytics-by-category = По категориям
analytics-by-year = По годам
measure-processes = Закупки
measure-value = Ожидаемая стоимость
measure-single-bid = Доля с одним предложением
measure-direct = Прямые закупки
measure-flagged = Доля с красными флагами
measure-concentration = Доля трёх главных поставщиков
measure-processes-explain = сколько закупок в регионе.
measure-value-explain = сумма ожидаемой стоимости закупок, в сомах.
measure-single-bid-explain = из закупок, на которые подавали предложения, доля тех, где предложение было одно.
measure-direct-explain = доля закупок у одного поставщика напрямую, без торгов.
measure-flagged-explain = доля закупок хотя бы с одним красным флагом.
measure-concentration-explain = из всех присуждённых договоров доля тех, что выиграли три поставщика с наибольшим числом побед.
region-unknown = Регион неизвестен
error-bad-request = По этому адресу нельзя ничего показать
error-bad-request-text = Одно из значений в адресе сайту непонятно:
nav-developers = Открытые данные для разработчиков
developers-intro = Всё на этом сайте — открытые данные: ищите, скачивайте, используйте. Ключ не нужен, API может читать любой сайт.
developers-api = API
developers-api-text = JSON API по адресу /api/v1/ отдаёт всё, что показывают страницы. Попробуйте на этом сервере:
developers-example-search = Поиск: закупки со словом «школа» в Чуйской области, по 10 на страницу, с количеством по фильтрам
developers-example-process = Одна закупка: нормализованные данные OCDS, что в них исправил Ачык, история публикаций
developers-example-organisation = Одна организация и итоги её закупок
developers-example-analytics = Закупки, стоимость, доля с одним предложением и прямые закупки по регионам, методам, категориям и годам
developers-example-csv = Результаты поиска в CSV для таблиц
developers-example-xlsx = Поиск в виде книги Excel, суммы — числами
developers-example-ocds = Результаты поиска в OCDS: JSON Lines сводных записей
developers-example-records = Поиск в виде пакета записей OCDS: каждый релиз, как его опубликовал портал, и их сводка
developers-example-atom = Результаты поиска как лента Atom, чтобы следить за новыми закупками
developers-example-openapi = Описание всего API в формате OpenAPI
developers-bulk = Массовая выгрузка
developers-bulk-text = Вся база, по файлу на год: OCDS (нормализованные сводные релизы, JSON Lines в gzip), CSV (в gzip) и Excel. В index.json перечислены все файлы с размером и хешем SHA-256, чтобы проверить загрузку.
developers-bulk-none = Этот сервер пока не публикует файлы массовой выгрузки (оператор создаёт их командой «achyk bulk»).
developers-bulk-fields = В файлах CSV и Excel, как и в любой выгрузке поиска, такие столбцы:
developers-bulk-year = Год
developers-bulk-files = Файлы
developers-bulk-undated = Без даты
developers-bulk-size = { $megabytes } МБ
developers-parameters = Параметры поиска
developers-parameters-text = Любой поиск на сайте и в API принимает одни и те же параметры; страница закупок хранит их в адресе, поэтому поиск на сайте можно перенести в API.
developers-identifiers = Идентификаторы
developers-identifiers-text = Закупка определяется своим ocid (ocds-h7i0z4- и номер объявления; ocds-h7i0z4-contract-based- для закупок из одного источника). Организация — KG-INN- и 14-значный ИНН. Регионы — коды ISO 3166-2 (KG-GB Бишкек, KG-GO город Ош, KG-C Чуйская область и так далее).
developers-errors = Ошибки
developers-errors-text = Ошибки возвращаются в JSON с постоянным кодом: not_found (404), bad_parameter (400, с названием параметра и тем, каким он должен быть) или internal (500).
developers-licence = Лицензия
developers-licence-text = Данные публикует Министерство финансов Кыргызской Республики на zakupki.gov.kg; исправления Ачык перечислены для каждой закупки. Сам Ачык — свободная программа (AGPL-3.0-or-later).
organisation-partners = Чаще всего работает с (число закупок)
event-complaint = Подана жалоба
section-payments = График платежей
section-complaints = Жалобы
column-payment = Платёж
column-due = Срок
column-condition = Условие
column-complainant = Заявитель
column-complaint = Жалоба
column-resolution = Решение
complaint-status-pending = на рассмотрении
complaint-status-accepted = принята к рассмотрению
complaint-status-rejected = отклонена
complaint-status-satisfied = удовлетворена
complaint-status-resolved = рассмотрена
complaint-status-withdrawn = отозвана
payment-type-prepayment = предоплата
payment-type-payment = оплата
payment-type-final = окончательный расчёт
filter-value = Диапазон стоимости
download-search = Скачать результаты поиска:
download-follow = подписаться (Atom)
