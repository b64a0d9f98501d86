package dev.wanagent.upnp;

import org.xml.sax.ContentHandler;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The one way this module parses XML from the network: no DOCTYPE at all (so no external entities, no entity
 * expansion bombs), no external DTD or schema access, secure processing on. Input is already size-capped bytes.
 * The parser's messages quote the document (element and encoding names): they are passed on printable and short,
 * and nothing is printed to stderr.
 */
final class SafeXml {
    private static final SAXParserFactory FACTORY = newFactory();
    private static final int MAX_MESSAGE_CHARS = 300;
    private static final ErrorHandler QUIET = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) {
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private SafeXml() {
    }

    private static SAXParserFactory newFactory() {
        SAXParserFactory f = SAXParserFactory.newInstance();
        f.setNamespaceAware(true);
        f.setValidating(false);
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the JDK's XML parser does not support the hardening features", e);
        }
        return f;
    }

    /**
     * Parses {@code xml} into {@code handler}; a DOCTYPE or malformed XML throws SAXException, with a printable
     * message of at most a few hundred characters.
     */
    static void parse(byte[] xml, ContentHandler handler) throws SAXException {
        try {
            XMLReader reader = FACTORY.newSAXParser().getXMLReader();
            reader.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            reader.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            reader.setContentHandler(handler);
            reader.setErrorHandler(QUIET);
            reader.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity refused");
            });
            reader.parse(new InputSource(new ByteArrayInputStream(xml)));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        } catch (SAXException | IOException e) {
            String m = e.getMessage();
            throw new SAXException(m == null || m.isBlank() ? e.getClass().getSimpleName()
                    : RouterText.printable(m, MAX_MESSAGE_CHARS));
        }
    }
}
